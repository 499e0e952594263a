import { createAckGate } from '../../src/ingestion/ack-first';

describe('acknowledgements first', () => {
  it('holds processing while webhook requests wait to be stored, and lets it go when they are', async () => {
    const gate = createAckGate();
    await gate.clear(10_000); // nothing waiting: at once
    gate.enter();
    gate.enter();
    let passed = false;
    const held = gate.clear(10_000).then(() => (passed = true));
    gate.leave();
    await Promise.resolve();
    expect(passed).toBe(false);
    gate.leave();
    await held;
    expect(passed).toBe(true);
  });

  it('never holds processing longer than asked, so a steady stream of requests cannot stop it', async () => {
    const gate = createAckGate();
    gate.enter();
    await gate.clear(5); // resolves by its bound although a request still waits
    gate.leave();
  });
});
