import { caseModels } from '../../src/cases/create-case';
import { consentModel } from '../../src/privacy/consents';
import { ingestionModels } from '../../src/ingestion/models';
import { buildEvent, newGroupId, newMessageId, newUserId } from '../../src/line-emulator/webhook-client';
import { mediaModels } from '../../src/media/models';
import { loadResources } from '../../src/i18n';
import {
  jpegPhoto,
  Person,
  startSandboxService,
  stopSandboxService,
  textOf,
  type SandboxService,
} from './harness';

const thaiLine = loadResources().th!.line as { group_not_supported: string };

describe('chats the bot does not converse in', () => {
  let service: SandboxService | undefined;

  afterEach(async () => {
    await stopSandboxService(service);
    service = undefined;
  });

  it('answers a message in a group with one replied line, and keeps nothing about the members', async () => {
    service = await startSandboxService('e2egroup');
    const emulator = service.sandbox.emulator;
    const memberId = newUserId();
    const groupId = newGroupId();
    emulator.addUser({ userId: memberId, displayName: 'สมชาย', language: 'th' });
    const member = new Person(service, memberId, groupId);

    const answer = await member.post(
      buildEvent.groupText({ ...member.turn(), groupId, text: 'หลังคาบ้านผมรั่วครับ เบอร์ 0812345678' }),
    );
    expect(answer).toHaveLength(1);
    expect(answer[0]).toMatchObject({ to: groupId, via: 'reply' });
    expect(textOf(answer[0]!)).toBe(thaiLine.group_not_supported);
    expect(answer[0]!.message.quickReply).toBeUndefined();

    // A photo in the group: the same one line, and the photo is not downloaded.
    const messageId = newMessageId();
    emulator.addContent(messageId, { data: jpegPhoto(3), contentType: 'image/jpeg' });
    const photoAnswer = await member.post(
      buildEvent.image({
        ...member.turn(),
        messageId,
        source: { type: 'group', groupId, userId: memberId },
      }),
    );
    expect(photoAnswer).toHaveLength(1);
    expect(textOf(photoAnswer[0]!)).toBe(thaiLine.group_not_supported);

    // Nothing reached the member privately, nothing was pushed, nothing about them was kept.
    expect(emulator.sentMessages(memberId)).toHaveLength(0);
    expect(emulator.calls().filter((call) => call.path === '/v2/bot/message/push')).toHaveLength(0);
    expect(emulator.calls().filter((call) => call.path.startsWith('/v2/bot/profile'))).toHaveLength(0);
    expect(emulator.calls().filter((call) => call.path.includes(messageId))).toHaveLength(0);
    const connection = service.database.connection;
    const models = ingestionModels(connection);
    expect(await models.LineUser.countDocuments({})).toBe(0);
    expect(await models.Chat.countDocuments({ _id: `user:${memberId}` })).toBe(0);
    const groupChat = await models.Chat.findById(`group:${groupId}`).lean();
    expect(groupChat?.state ?? {}).toEqual({});
    expect(await mediaModels(connection).Media.countDocuments({})).toBe(0);
    expect(await mediaModels(connection).MediaChunk.countDocuments({})).toBe(0);
    expect(await consentModel(connection).countDocuments({})).toBe(0);
    expect(await caseModels(connection).cases.countDocuments({})).toBe(0);
  });

  it('sends nothing for an event in standby mode', async () => {
    service = await startSandboxService('e2estandby');
    const emulator = service.sandbox.emulator;
    const userId = newUserId();
    emulator.addUser({ userId, displayName: 'Mai', language: 'th' });
    const person = new Person(service, userId);

    // Another channel answers in standby mode: LINE sends no reply token, and we must stay quiet.
    const answer = await person.post(buildEvent.text({ ...person.turn(), mode: 'standby', text: 'หลังคารั่ว' }));
    expect(answer).toHaveLength(0);
    expect(
      emulator.calls().filter((call) => call.path.startsWith('/v2/bot/message/') && call.method === 'POST'),
    ).toHaveLength(0);
    const chat = await ingestionModels(service.database.connection).Chat.findById(`user:${userId}`).lean();
    expect(chat?.state ?? {}).toEqual({});
  });

  it('pushes nothing to a user who unfollowed, even when the reply token has expired', async () => {
    service = await startSandboxService('e2eunfollow');
    const emulator = service.sandbox.emulator;
    const userId = newUserId();
    emulator.addUser({ userId, displayName: 'Noi', language: 'th' });
    const person = new Person(service, userId);

    expect((await person.follow()).length).toBeGreaterThan(0);
    expect(await person.post(buildEvent.unfollow(person.turn()))).toHaveLength(0);
    const models = ingestionModels(service.database.connection);
    expect(await models.LineUser.findById(userId).lean()).toMatchObject({ followed: false });

    // An event that arrives late (its token expired): a reply is impossible, and a push is not allowed.
    const late = person.turn();
    emulator.expireReplyToken(late.replyToken);
    const answer = await person.post(buildEvent.text({ ...late, text: 'สวัสดี' }));
    expect(answer).toHaveLength(0);
    expect(emulator.calls().filter((call) => call.path === '/v2/bot/message/push')).toHaveLength(0);
    const outbound = await models.OutboundMessage.find({ eventId: late.webhookEventId }).lean();
    expect(outbound.length).toBeGreaterThan(0);
    expect(outbound.every((message) => message.status === 'skipped')).toBe(true);
    expect(emulator.sentMessages(userId).every((message) => message.via === 'reply')).toBe(true);
  });
});
