export { broadcastRouter, BROADCAST_AUDIT, type BroadcastRouterDeps } from './router';
export { runBroadcast, runDueBroadcasts, type RunResult } from './runner';
export { DEFAULT_BROADCAST_OPTIONS, type BroadcastDeps, type BroadcastOptions } from './context';
export { broadcastModels } from './models';
