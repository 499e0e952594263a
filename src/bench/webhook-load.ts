/**
 * The load generator of `npm run bench:webhook`, forked by webhook.ts into its own process so that
 * generating, signing and timing requests does not share the service's event loop. It talks to
 * 127.0.0.1 only and every run is bounded in time and count. Reply tokens come from the parent,
 * which owns the in-process LINE emulator.
 */
import http from 'node:http';
import autocannon from 'autocannon';
import { buildEvent, newReplyToken, newWebhookEventId, signBody, webhookBody } from '../line/webhook-client';

export type Ticket = { userId: string; replyToken: string };

/** A closed loop: `connections` keep one request each in flight for `seconds`, after a warm-up. */
export type ClosedCommand = {
  kind: 'closed';
  url: string;
  channelSecret: string;
  connections: number;
  seconds: number;
  warmupSeconds: number;
};

/** An open loop: one event per ticket, sent at a fixed rate whatever the answers. */
export type OpenCommand = {
  kind: 'open';
  url: string;
  channelSecret: string;
  ratePerSecond: number;
  tickets: Ticket[];
  maxSockets: number;
};

export type ClosedResult = {
  seconds: number;
  /** 2xx answers in the measured window (the warm-up excluded). */
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  latencyMs: { p50: number; p99: number; mean: number; max: number };
  /** webhookEventIds answered 200, warm-up included. */
  ackedIds: string[];
  /** Sent but never answered: in flight when the run was cut off, or lost with a connection. */
  unansweredIds: string[];
  /** Requests built while the parent's ticket supply lagged (an unusable reply token). */
  ticketMisses: number;
};

export type OpenSend = {
  userId: string;
  /** performance.timeOrigin + performance.now() when the request was written. */
  sentAt: number;
  /** How late the send was against its schedule, ms. */
  lagMs: number;
  status: number;
  ackMs: number;
};

export type ToLoad =
  | { type: 'run'; command: ClosedCommand | OpenCommand }
  | { type: 'tickets'; tickets: Ticket[] }
  | { type: 'exit' };

export type FromLoad =
  | { type: 'need-tickets'; count: number }
  | { type: 'closed-result'; result: ClosedResult }
  | { type: 'open-result'; sends: OpenSend[] };

const TICKET_BATCH = 2_000;
const TEXTS = ['สวัสดีครับ', 'บ้านหลังคารั่ว ฝนตกน้ำเข้าบ้าน', 'ขอความช่วยเหลือค่ะ', 'hello', 'ช่วยด้วย'];
const wallNow = () => performance.timeOrigin + performance.now();

const tickets: Ticket[] = [];
let ticketsRequested = 0;

function send(message: FromLoad): void {
  process.send!(message);
}

function requestTickets(): void {
  if (tickets.length + ticketsRequested >= TICKET_BATCH) return;
  ticketsRequested += TICKET_BATCH;
  send({ type: 'need-tickets', count: TICKET_BATCH });
}

function signedEvent(ticket: Ticket, channelSecret: string, text: string) {
  const timestamp = Date.now();
  const webhookEventId = newWebhookEventId(timestamp);
  const body = webhookBody([
    buildEvent.text({
      userId: ticket.userId,
      replyToken: ticket.replyToken,
      timestamp,
      webhookEventId,
      text,
    }),
  ]);
  return { webhookEventId, body, signature: signBody(body, channelSecret) };
}

async function runClosed(command: ClosedCommand): Promise<ClosedResult> {
  const acked: string[] = [];
  const pending = new Set<string>();
  let ticketMisses = 0;
  let counter = 0;
  requestTickets();
  const request: autocannon.Request = {
    method: 'POST',
    setupRequest: (req, context: { id?: string }) => {
      let ticket = tickets.shift();
      if (!ticket) {
        ticketMisses++;
        ticket = { userId: `U${'0'.repeat(32)}`, replyToken: newReplyToken() };
      }
      if (tickets.length < TICKET_BATCH / 2) requestTickets();
      const event = signedEvent(ticket, command.channelSecret, TEXTS[counter++ % TEXTS.length]!);
      context.id = event.webhookEventId;
      pending.add(event.webhookEventId);
      return {
        ...req,
        body: event.body,
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'user-agent': 'LineBotWebhook/2.0',
          'x-line-signature': event.signature,
        },
      };
    },
    // One request in flight per connection (no pipelining), so the context names the answered event.
    onResponse: (status, _body, context: { id?: string }) => {
      if (!context.id) return;
      pending.delete(context.id);
      if (status === 200) acked.push(context.id);
    },
  };
  const result = await autocannon({
    url: command.url,
    connections: command.connections,
    pipelining: 1,
    duration: command.seconds,
    timeout: 10,
    requests: [request],
    warmup: { connections: command.connections, duration: command.warmupSeconds },
  } as autocannon.Options);
  return {
    seconds: result.duration,
    ok: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    latencyMs: {
      p50: result.latency.p50,
      p99: result.latency.p99,
      mean: result.latency.mean,
      max: result.latency.max,
    },
    ackedIds: acked,
    unansweredIds: [...pending],
    ticketMisses,
  };
}

function post(url: URL, agent: http.Agent, body: string, signature: string): Promise<number> {
  return new Promise((resolve) => {
    const req = http.request(
      {
        agent,
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        timeout: 10_000,
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'content-length': Buffer.byteLength(body),
          'user-agent': 'LineBotWebhook/2.0',
          'x-line-signature': signature,
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve(0));
    req.end(body);
  });
}

async function runOpen(command: OpenCommand): Promise<OpenSend[]> {
  const url = new URL(command.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: command.maxSockets });
  const intervalMs = 1000 / command.ratePerSecond;
  const sends: OpenSend[] = [];
  const inFlight: Promise<void>[] = [];
  const start = performance.now();
  let next = 0;
  const fire = (index: number) => {
    const ticket = command.tickets[index]!;
    const event = signedEvent(ticket, command.channelSecret, 'สวัสดีค่ะ');
    const sentAt = wallNow();
    const lagMs = performance.now() - start - index * intervalMs;
    inFlight.push(
      post(url, agent, event.body, event.signature).then((status) => {
        sends.push({ userId: ticket.userId, sentAt, lagMs, status, ackMs: wallNow() - sentAt });
      }),
    );
  };
  await new Promise<void>((resolve) => {
    const tick = () => {
      const due = Math.min(command.tickets.length, Math.floor((performance.now() - start) / intervalMs) + 1);
      while (next < due) fire(next++);
      if (next < command.tickets.length) setTimeout(tick, 1);
      else resolve();
    };
    tick();
  });
  await Promise.all(inFlight);
  agent.destroy();
  return sends;
}

process.on('message', (message: ToLoad) => {
  if (message.type === 'tickets') {
    tickets.push(...message.tickets);
    ticketsRequested = Math.max(0, ticketsRequested - message.tickets.length);
  } else if (message.type === 'exit') {
    process.disconnect();
  } else if (message.command.kind === 'closed') {
    void runClosed(message.command).then((result) => send({ type: 'closed-result', result }));
  } else {
    void runOpen(message.command).then((sends) => send({ type: 'open-result', sends }));
  }
});
