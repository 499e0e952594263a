import { createSettleClock, orderInChat } from '../../src/ingestion/event-order';

describe('the order of a chat’s events', () => {
  it('follows LINE’s timestamps, and an image set’s index among the places its photos hold', () => {
    const events = [
      { id: 'text', timestamp: 100 },
      { id: 'p3', timestamp: 200, setId: 's', setIndex: 3 },
      { id: 'p1', timestamp: 201, setId: 's', setIndex: 1 },
      { id: 'later', timestamp: 300 },
      { id: 'p2', timestamp: 150, setId: 's', setIndex: 2 },
    ];
    expect(orderInChat(events).map((event) => event.id)).toEqual(['text', 'p1', 'p2', 'p3', 'later']);
  });

  it('waits the longest storage lag of the last ten seconds, within its bounds', () => {
    const clock = createSettleClock({ minMs: 100, maxMs: 2000, marginMs: 20 });
    expect(clock.settleMs(10_000)).toBe(100);
    clock.observe(10_000, 10_400); // stored 400 ms after LINE sent it
    clock.observe(10_100, 10_150);
    expect(clock.settleMs(10_500)).toBe(420);
    expect(clock.settleMs(21_000)).toBe(100); // forgotten after ten seconds
    clock.observe(30_000, 40_000);
    expect(clock.settleMs(40_000)).toBe(2000);
  });
});
