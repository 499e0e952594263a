import { randomBytes } from 'node:crypto';
import type { Express } from 'express';
import { createApp } from '../../src/app';
import { auditModel } from '../../src/staff/audit-model';
import { caseApiRouter } from '../../src/case-api/router';
import { reporterUpdatesJob } from '../../src/cases/case-services';
import { registerModels } from '../../src/models';
import type { UpdateDelivery } from '../../src/cases/updates/delivery';
import type { CaseInput } from '../../src/cases/case-schema';
import { caseModels, createCase } from '../../src/cases/create-case';
import type { Database } from '../../src/db/connection';
import { createErrorSink } from '../../src/errors';
import { ApiRegistry } from '../../src/http/openapi';
import { ingestionModels } from '../../src/ingestion/models';
import { startLineEmulator, type LineEmulator } from '../../src/line-emulator';
import { createLineApi } from '../../src/line/line-api';
import { createSender, type Sender } from '../../src/line/sender';
import { staffModels } from '../../src/staff/models';
import type { Role } from '../../src/staff/permissions';
import { staffApiRouters } from '../../src/staff/routers';
import { testLogger } from '../helpers/logger';
import { addStaff, login } from '../staff/helpers';
import { tellAdminsOfGuessing } from '../../src/notifications/staff-notifications';

export const lineUserId = () => `U${randomBytes(16).toString('hex')}`;

export type CaseApiHarness = {
  app: Express;
  api: ApiRegistry;
  emulator: LineEmulator;
  sender: Sender;
  tokens: Record<Role, string>;
  staffIds: Record<Role, string>;
  /** The reporters' waiting status news and its push job, as the router sees them. */
  updates: UpdateDelivery;
  stop(): Promise<void>;
};

/** The staff routers and the case router on one app, a sender talking to the LINE emulator. */
export async function buildCaseApiApp(
  database: Database,
  clock?: () => Date,
  options: {
    coalesceMs?: number;
    /** Staff sessions on the real clock: a test may move the case clock on by days. */
    realStaffClock?: boolean;
  } = {},
): Promise<CaseApiHarness> {
  const emulator = await startLineEmulator();
  const api = new ApiRegistry();
  const connection = database.connection;
  const sender = createSender({
    models: ingestionModels(connection),
    api: createLineApi({
      channelAccessToken: emulator.channelAccessToken,
      apiBaseUrl: emulator.url,
      dataApiBaseUrl: emulator.url,
      timeoutMs: 2000,
    }),
    logger: testLogger,
    instanceId: 'test',
    backoffMs: 10,
  });
  const routers = [
    ...staffApiRouters(
      { connection, logger: testLogger, api, clock: options.realStaffClock ? undefined : clock },
      (guess) => tellAdminsOfGuessing(connection, guess),
    ),
  ];
  const caseApiDeps = {
    connection,
    sender,
    logger: testLogger,
    reportError: createErrorSink(testLogger),
    api,
    clock,
    coalesceMs: options.coalesceMs,
  };
  routers.push(caseApiRouter(caseApiDeps));
  registerModels(connection);
  staffModels(connection);
  auditModel(connection);
  await database.ensureIndexes();
  const app = createApp({
    logger: testLogger,
    reportError: createErrorSink(testLogger),
    isReady: async () => true,
    routers,
  });
  const tokens = {} as Record<Role, string>;
  const staffIds = {} as Record<Role, string>;
  for (const role of ['admin', 'coordinator', 'caseworker', 'viewer'] as const) {
    const member = await addStaff(database, role, role === 'caseworker' ? { provinces: ['67'] } : {});
    staffIds[role] = member.id;
    tokens[role] = await login(app, member.email);
  }
  const updates = reporterUpdatesJob(caseApiDeps);
  return { app, api, emulator, sender, tokens, staffIds, updates, stop: () => emulator.stop() };
}

let counter = 0;

/** A case near Khao Kho, Phetchabun (province 67) unless told otherwise. */
export function caseInput(overrides: Partial<CaseInput> = {}): CaseInput {
  counter++;
  return {
    intakeId: `intake-${counter}-${randomBytes(3).toString('hex')}`,
    consentId: 'consent-1',
    language: 'th',
    reporter: { lineUserId: lineUserId() },
    reportedBy: 'self',
    household: {
      headName: `นางคำ ทดสอบ${counter}`,
      size: 4,
      vulnerable: ['elderly'],
      tenure: 'own',
      phone: `08${String(10_000_000 + counter).slice(0, 8)}`,
    },
    category: 'roof',
    description: { text: 'หลังคารั่ว ฝนตกน้ำเข้าบ้าน' },
    mediaIds: [],
    // Spread apart so tests do not flag each other as duplicates unless they mean to.
    location: { lat: 16.65 + counter * 0.01, lng: 101.13 },
    ...overrides,
  };
}

export async function addCase(database: Database, overrides: Partial<CaseInput> = {}, at?: Date) {
  const { case: created } = await createCase(
    caseModels(database.connection),
    caseInput(overrides),
    at ? () => at : undefined,
  );
  return created;
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
