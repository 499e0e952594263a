import { createHash, randomBytes } from 'node:crypto';
import type { Connection } from 'mongoose';
import { CASE_STATUSES, VULNERABLE_MEMBERS, type Case, type VulnerableMember } from '../cases/case-schema';
import { phoneKey } from '../cases/duplicates';
import { caseKeywords } from '../cases/keywords';
import { computePriority } from '../cases/priority';
import { nextReference } from '../cases/reference';
import { loadAddressDirectory } from '../geo/address-directory';
import { resolvePlace } from '../geo/resolve-place';
import { CATEGORY_WEIGHTS, demoPhone, describeNeed, personName, pick, weighted, type Random } from './people';
import { housePhoto } from './photos';
import { DEMO_PLACES } from './places';
import { DAY_MS, HOUR_MS, demoHistory, targetStatus } from './demo-history';

/**
 * `npm run demo`: a sandbox that starts full of life. A few hundred generated cases over the
 * highland districts (Khao Kho the densest) in every status with a plausible history, photos,
 * volunteers, a broadcast, a person waiting for staff and consented stories. Every document carries
 * `demo: true`, which is how `removeDemoData` finds them all. Nothing is sent to anyone: the
 * documents are written as history, not played through the bot.
 */

export const DEMO_COLLECTIONS = [
  'cases',
  'media',
  'media_chunks',
  'line_users',
  'volunteers',
  'broadcasts',
  'handoffs',
  'inbound_events',
  'publication_consents',
  'consents',
] as const;

const VILLAGES: Record<string, string[]> = {
  เขาค้อ: ['บ้านเข็กน้อย', 'บ้านเล่าลือ', 'บ้านทุ่งสมอ', 'บ้านหนองแม่นา', 'บ้านแคมป์สน', 'บ้านสะเดาะพง'],
  default: ['บ้านใหม่', 'บ้านห้วยทราย', 'บ้านนาจาน', 'บ้านป่าแดง', 'บ้านห้วยน้ำเย็น', 'บ้านดอยสูง'],
};

export type DemoSummary = {
  cases: number;
  byStatus: Record<string, number>;
  photos: number;
  volunteers: number;
  broadcasts: number;
  handoffs: number;
  stories: number;
};

export type DemoOptions = {
  now?: Date;
  /** How many cases; about 320 by default. */
  cases?: number;
  seed?: number;
  /** Staff member shown as having done the staff steps (the sandbox admin). */
  staffId?: string;
};

function generator(seed: number): Random {
  let state = seed >>> 0 || 1;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** A LINE-shaped user id (U + 32 hex) that says it is demo data. */
const demoUserId = (random: Random) =>
  `Ude30${Array.from({ length: 27 }, () => Math.floor(random() * 16).toString(16)).join('')}`;

export async function hasDemoData(connection: Connection): Promise<boolean> {
  return (await connection.collection('cases').findOne({ demo: true }, { projection: { _id: 1 } })) !== null;
}

export async function removeDemoData(connection: Connection): Promise<Record<string, number>> {
  const removed: Record<string, number> = {};
  for (const name of DEMO_COLLECTIONS) {
    removed[name] = (await connection.collection(name).deleteMany({ demo: true })).deletedCount;
  }
  return removed;
}

export async function fillDemoData(connection: Connection, options: DemoOptions = {}): Promise<DemoSummary> {
  const now = options.now ?? new Date();
  const random = generator(options.seed ?? 2567);
  const total = options.cases ?? 320;
  const staffId = options.staffId ?? 'demo-staff';
  const directory = await loadAddressDirectory();
  const mark = <T extends object>(doc: T) => ({ ...doc, demo: true as const });

  const cases: (Case & { demo: true })[] = [];
  const media: object[] = [];
  const chunks: object[] = [];
  const users = new Map<string, { language: string; name: string; at: Date }>();
  const consents: object[] = [];
  const publications: object[] = [];
  const volunteerIds: string[] = [];
  let photoSeed = 1;

  const addPhoto = (reference: string, userId: string, at: Date, kind: 'before' | 'after') => {
    const id = `demo-media-${randomBytes(8).toString('hex')}`;
    const png = housePhoto(photoSeed++, kind);
    media.push(
      mark({
        _id: id,
        source: kind === 'before' ? 'line' : 'staff',
        ...(kind === 'before' ? { userId, chatKey: `user:${userId}` } : {}),
        kind: 'image',
        status: 'stored',
        contentType: 'image/png',
        size: png.length,
        sha256: createHash('sha256').update(png).digest('hex'),
        chunkCount: 1,
        attempts: 0,
        caseReference: reference,
        createdAt: at,
        storedAt: at,
      }),
    );
    chunks.push(mark({ _id: `${id}:0`, mediaId: id, n: 0, data: png }));
    return id;
  };

  // Volunteers of the network, by the places they cover.
  const volunteers: object[] = [];
  for (let i = 0; i < 8; i++) {
    const place = DEMO_PLACES[i % 5]!;
    const resolved = resolvePlace(directory, { typedAddress: { district: place.district } });
    const lineUserId = demoUserId(random);
    const status = i === 6 ? 'pending' : i === 7 ? 'rejected' : 'active';
    const registeredAt = new Date(now.getTime() - (300 - i * 20) * DAY_MS);
    users.set(lineUserId, {
      language: place.hmong && i % 2 === 0 ? 'hmn' : 'th',
      name: `อาสา ${i + 1}`,
      at: registeredAt,
    });
    if (status === 'active') volunteerIds.push(lineUserId);
    volunteers.push(
      mark({
        _id: `demo-volunteer-${i + 1}`,
        lineUserId,
        status,
        name: personName(random, place.hmong),
        phone: demoPhone(9000 + i),
        organisation: i % 2 === 0 ? 'เครือข่ายอาสาพัฒนาชุมชนเขาค้อ' : 'อาสาสมัครสาธารณสุขประจำหมู่บ้าน',
        areas: [
          {
            provinceCode: resolved.provinceCode,
            province: resolved.province,
            provinceEn: resolved.provinceEn,
            districtCode: resolved.districtCode,
            district: resolved.district,
            districtEn: resolved.districtEn,
          },
        ],
        areasTyped: place.district,
        unresolvedAreas: [],
        language: users.get(lineUserId)!.language,
        registeredAt,
        ...(status === 'pending'
          ? {}
          : { decidedAt: new Date(registeredAt.getTime() + 2 * DAY_MS), decidedBy: staffId }),
        ...(status === 'rejected' ? { reason: 'ซ้ำกับการลงทะเบียนเดิม' } : {}),
      }),
    );
  }

  // One reporter now and then has a second need: the same household.
  const households: { userId: string; name: string; phone: string; language: string; placeIndex: number }[] =
    [];
  const forced = [...CASE_STATUSES];
  for (let n = 0; n < total; n++) {
    const forcedStatus = forced.shift();
    const placeIndex = DEMO_PLACES.indexOf(
      weighted(
        random,
        DEMO_PLACES.map((p) => [p, p.weight] as const),
      ),
    );
    const place = DEMO_PLACES[placeIndex]!;
    const ageDays = forcedStatus ? 200 + n : 395 * (1 - Math.sqrt(random())) + 0.2;
    const createdAt = new Date(now.getTime() - ageDays * DAY_MS);
    const byVolunteer = random() < 0.2 && volunteerIds.length > 0;
    const again = households.length > 10 && random() < 0.05 ? pick(random, households) : undefined;
    const language =
      again?.language ??
      (place.hmong
        ? weighted(random, [
            ['hmn', 55],
            ['th', 40],
            ['en', 5],
          ] as const)
        : weighted(random, [
            ['th', 93],
            ['en', 4],
            ['hmn', 3],
          ] as const));
    const household = again ?? {
      userId: demoUserId(random),
      name: personName(random, place.hmong),
      phone: demoPhone(n + 1),
      language,
      placeIndex,
    };
    if (!again && !byVolunteer) households.push(household);
    const reporterId = byVolunteer ? pick(random, volunteerIds) : household.userId;
    if (!byVolunteer)
      users.set(reporterId, {
        language,
        name: household.name.split(' ')[0]!.replace(/^นา[งย]/, ''),
        at: createdAt,
      });

    const category = weighted(random, CATEGORY_WEIGHTS);
    const vulnerable = VULNERABLE_MEMBERS.filter(() => random() < 0.18) as VulnerableMember[];
    const tenure = weighted(random, [
      ['own', 60],
      ['public_land', 20],
      ['not_sure', 12],
      ['rent', 8],
    ] as const);
    const size = 2 + Math.floor(random() * 7);
    const usePlace = again ? DEMO_PLACES[again.placeIndex]! : place;
    let lat = usePlace.lat + (random() - 0.5) * 0.08;
    let lng = usePlace.lng + (random() - 0.5) * 0.08;
    const village = pick(random, VILLAGES[usePlace.district] ?? VILLAGES.default!);
    const typedAddress = { village, district: usePlace.district };
    let resolved = resolvePlace(directory, { lat, lng, typedAddress });
    if (resolved.provinceCode !== usePlace.provinceCode) {
      ({ lat, lng } = usePlace);
      resolved = resolvePlace(directory, { lat, lng, typedAddress });
    }
    const description = describeNeed(category, language);
    const reference = await nextReference(connection, createdAt);
    const consentId = `demo-consent-${n + 1}`;
    consents.push(
      mark({
        _id: consentId,
        lineUserId: reporterId,
        noticeVersion: 'demo',
        language,
        sensitive: vulnerable.length > 0,
        givenAt: createdAt,
      }),
    );

    // The history: each step after the one before, never past now.
    const earlier = cases.filter((c) => c.location.resolved.districtCode === resolved.districtCode);
    const history = demoHistory(random, {
      createdAt,
      now,
      staffId,
      actor: byVolunteer ? 'volunteer' : 'reporter',
      reporterId,
      target: forcedStatus ?? targetStatus(random, ageDays),
      earlier: earlier.map((c) => c.reference),
    });
    const { timeline, status, at, visitDate, firstActionAt, completedAt, declineReason, duplicateOf } =
      history;
    if (status === 'completed' && random() < 0.5) {
      timeline.push({
        at,
        kind: 'note',
        actor: 'staff',
        actorId: staffId,
        text: 'ซ่อมเสร็จแล้ว ครอบครัวพอใจ',
        visibility: 'reporter',
      });
    }

    // Photos: most reports have one; completed ones with consent get the mended house too.
    const mediaIds: string[] = [];
    if (random() < 0.6) mediaIds.push(addPhoto(reference, reporterId, createdAt, 'before'));
    if (status === 'completed' && !byVolunteer && mediaIds.length > 0 && random() < 0.55) {
      const after = addPhoto(reference, reporterId, completedAt!, 'after');
      timeline.push({
        at: completedAt!,
        kind: 'media_added',
        actor: 'staff',
        actorId: staffId,
        mediaIds: [after],
      });
      const answer = weighted(random, [
        ['given', 8],
        ['declined', 2],
        ['withdrawn', 1],
      ] as const);
      publications.push(
        mark({
          _id: reference,
          storyId: randomBytes(9).toString('base64url'),
          lineUserId: reporterId,
          language,
          status: answer,
          askedAt: completedAt!,
          answeredAt: new Date(completedAt!.getTime() + HOUR_MS),
          ...(answer === 'withdrawn' ? { withdrawnAt: new Date(completedAt!.getTime() + 5 * DAY_MS) } : {}),
        }),
      );
    }

    const householdDoc = {
      headName: household.name,
      size,
      vulnerable,
      tenure,
      phone: household.phone,
    };
    // The _id is left to the driver: the case model's is an ObjectId.
    const doc = {
      reference,
      intakeId: `demo-intake-${n + 1}`,
      consentId,
      language,
      reporter: { lineUserId: reporterId },
      reportedBy: byVolunteer ? ('volunteer' as const) : ('self' as const),
      ...(byVolunteer
        ? {
            volunteer: {
              lineUserId: reporterId,
              relation: 'อาสาสมัครในหมู่บ้าน',
              householdInformed: true as const,
            },
          }
        : {}),
      household: householdDoc,
      category,
      description: { text: description },
      mediaIds,
      location: { lat: Number(lat.toFixed(6)), lng: Number(lng.toFixed(6)), typedAddress, resolved },
      priority: computePriority({ category, household: householdDoc }),
      status,
      timeline: timeline.sort((a, b) => a.at.getTime() - b.at.getTime()),
      possibleDuplicateOf: [],
      keywords: caseKeywords(
        {
          reference,
          category,
          household: householdDoc,
          description: { text: description },
          location: { typedAddress, resolved },
        },
        phoneKey(household.phone),
      ),
      ...(random() < 0.6 && status !== 'new' ? { assigneeId: staffId } : {}),
      ...(visitDate ? { visitDate } : {}),
      ...(declineReason ? { declineReason } : {}),
      ...(duplicateOf ? { duplicateOf } : {}),
      ...(firstActionAt ? { firstActionAt } : {}),
      ...(completedAt ? { completedAt } : {}),
      createdAt,
      updatedAt: at,
    };
    cases.push(mark(doc) as Case & { demo: true });
  }

  // Someone at Khao Kho waiting to talk to staff, with what they wrote.
  const waiting = households.find((h) => DEMO_PLACES[h.placeIndex]!.district === 'เขาค้อ') ?? households[0]!;
  const askedAt = new Date(now.getTime() - 25 * 60_000);
  const inbound = [
    { text: 'ขอคุยกับเจ้าหน้าที่ค่ะ', at: askedAt },
    { text: 'หลังคาที่ซ่อมไว้ รั่วอีกแล้วตรงมุมห้องครัว จะให้ช่างมาดูได้ไหมคะ', at: new Date(askedAt.getTime() + 60_000) },
  ].map((message, i) =>
    mark({
      _id: `demo-event-${i + 1}-${randomBytes(6).toString('hex')}`,
      chatKey: `user:${waiting.userId}`,
      userId: waiting.userId,
      type: 'message',
      timestamp: message.at.getTime(),
      receivedAt: message.at,
      payload: JSON.stringify({
        type: 'message',
        mode: 'active',
        timestamp: message.at.getTime(),
        source: { type: 'user', userId: waiting.userId },
        message: { id: String(Date.now() + i), type: 'text', text: message.text },
      }),
    }),
  );
  const handoff = mark({ _id: waiting.userId, status: 'open', since: askedAt });

  const followers = [...users.keys()].length;
  const broadcasts = [
    mark({
      _id: `demo-broadcast-${randomBytes(6).toString('hex')}`,
      status: 'completed',
      audience: { type: 'all' },
      content: {
        th: { text: 'ทีมช่างจะเข้าซ่อมบ้านในตำบลเข็กน้อยสัปดาห์หน้า ขอให้ครอบครัวที่นัดไว้อยู่บ้านในวันนัดหมาย' },
        hmn: {
          text: 'Lub lim tiam tom ntej cov kws txawj yuav tuaj kho tsev hauv Khek Noi. Thov nyob tsev hnub teem caij.',
        },
        en: {
          text: 'Builders will repair the homes in Khek Noi next week. Please be at home on your appointment day.',
        },
      },
      scheduledAt: new Date(now.getTime() - 12 * DAY_MS),
      createdAt: new Date(now.getTime() - 12 * DAY_MS - HOUR_MS),
      createdBy: { id: staffId, role: 'admin' },
      quotaOverriddenBy: null,
      estimate: { recipients: followers },
      preparedAt: new Date(now.getTime() - 12 * DAY_MS),
      startedAt: new Date(now.getTime() - 12 * DAY_MS),
      finishedAt: new Date(now.getTime() - 12 * DAY_MS + 4_000),
      cancelledAt: null,
      totals: { chunks: 1, recipients: followers },
    }),
    mark({
      _id: `demo-broadcast-${randomBytes(6).toString('hex')}`,
      status: 'scheduled',
      audience: { type: 'all' },
      content: {
        th: { text: 'ประชุมชี้แจงโครงการซ่อมบ้าน ศาลาประชาคมบ้านเข็กน้อย วันเสาร์นี้ 9 โมงเช้า' },
        en: {
          text: 'Meeting about the home repair programme at the Khek Noi village hall this Saturday, 9 am.',
        },
      },
      scheduledAt: new Date(now.getTime() + 3 * DAY_MS),
      createdAt: now,
      createdBy: { id: staffId, role: 'admin' },
      quotaOverriddenBy: null,
      estimate: { recipients: followers },
      preparedAt: null,
      startedAt: null,
      finishedAt: null,
      cancelledAt: null,
      totals: null,
    }),
  ];

  const lineUsers = [...users].map(([userId, user]) =>
    mark({
      _id: userId,
      followed: true,
      language: user.language,
      displayName: user.name,
      followedAt: user.at,
      profileFetchedAt: user.at,
      lastSeenAt: user.at,
    }),
  );

  const insert = async (name: (typeof DEMO_COLLECTIONS)[number], docs: object[]) => {
    for (let start = 0; start < docs.length; start += 200)
      await connection.collection(name).insertMany(docs.slice(start, start + 200) as never[]);
  };
  await insert('line_users', lineUsers);
  await insert('consents', consents);
  await insert('volunteers', volunteers);
  await insert('media', media);
  await insert('media_chunks', chunks);
  await insert('cases', cases);
  await insert('publication_consents', publications);
  await insert('broadcasts', broadcasts);
  await insert('inbound_events', inbound);
  await insert('handoffs', [handoff]);

  const byStatus: Record<string, number> = {};
  for (const c of cases) byStatus[c.status] = (byStatus[c.status] ?? 0) + 1;
  return {
    cases: cases.length,
    byStatus,
    photos: media.length,
    volunteers: volunteers.length,
    broadcasts: broadcasts.length,
    handoffs: 1,
    stories: publications.filter((p) => (p as { status: string }).status === 'given').length,
  };
}
