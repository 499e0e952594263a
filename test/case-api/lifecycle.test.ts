import { CASE_STATUSES } from '../../src/cases/case-schema';
import { planChange, TRANSITIONS } from '../../src/cases/lifecycle';
import { FINAL_STATUSES } from '../../src/cases/status';

const at = (status: (typeof CASE_STATUSES)[number], visitDate?: string) => ({
  reference: 'NL-2569-000001',
  status,
  visitDate,
});

describe('case lifecycle', () => {
  it('walks the main path from new to completed', () => {
    const path = [
      'new',
      'reviewing',
      'visit_scheduled',
      'assessed',
      'approved',
      'in_progress',
      'completed',
    ] as const;
    for (let i = 0; i + 1 < path.length; i++) {
      const plan = planChange(at(path[i]!, path[i] === 'visit_scheduled' ? '2026-12-01' : undefined), {
        status: path[i + 1]!,
        ...(path[i + 1] === 'visit_scheduled' ? { visitDate: '2026-12-01' } : {}),
      });
      expect(plan).toEqual({ ok: true, change: expect.objectContaining({ from: path[i], to: path[i + 1] }) });
    }
  });

  it('refuses skipping steps and going back with 409 and the allowed moves', () => {
    const skip = planChange(at('new'), { status: 'approved' });
    expect(skip).toMatchObject({ ok: false, httpStatus: 409, code: 'illegal_transition' });
    expect(skip.ok === false && skip.details).toEqual({
      from: 'new',
      to: 'approved',
      allowed: TRANSITIONS.new,
    });
    expect(planChange(at('assessed'), { status: 'reviewing' })).toMatchObject({ ok: false, httpStatus: 409 });
  });

  it('keeps every ending final, except that a completed case can be reopened for review', () => {
    expect(planChange(at('completed'), { status: 'reviewing' })).toMatchObject({ ok: true });
    for (const final of FINAL_STATUSES)
      for (const to of CASE_STATUSES.filter(
        (s) => s !== final && !(final === 'completed' && s === 'reviewing'),
      ))
        expect(
          planChange(at(final), {
            status: to,
            reason: 'x',
            duplicateOf: 'NL-2569-000009',
            visitDate: '2026-12-01',
          }),
        ).toMatchObject({
          ok: false,
          httpStatus: 409,
        });
  });

  it('needs a reason to decline, another case for a duplicate, a date for a visit (422)', () => {
    expect(planChange(at('reviewing'), { status: 'declined' })).toMatchObject({
      httpStatus: 422,
      code: 'reason_required',
    });
    expect(planChange(at('reviewing'), { status: 'declined', reason: '  ' })).toMatchObject({
      httpStatus: 422,
    });
    expect(planChange(at('new'), { status: 'duplicate' })).toMatchObject({
      httpStatus: 422,
      code: 'duplicate_of_required',
    });
    expect(planChange(at('new'), { status: 'duplicate', duplicateOf: 'NL-2569-000001' })).toMatchObject({
      code: 'duplicate_of_self',
    });
    expect(planChange(at('reviewing'), { status: 'visit_scheduled' })).toMatchObject({
      code: 'visit_date_required',
    });
    expect(planChange(at('approved'), { visitDate: '2026-12-01' })).toMatchObject({
      code: 'visit_date_not_allowed',
    });
    expect(planChange(at('reviewing'), { status: 'declined', reason: ' no budget ' })).toEqual({
      ok: true,
      change: { from: 'reviewing', to: 'declined', reason: 'no budget' },
    });
  });

  it('treats the same status as no change, and a new visit date as a reschedule', () => {
    expect(planChange(at('reviewing'), { status: 'reviewing' })).toEqual({ ok: true, change: null });
    expect(planChange(at('visit_scheduled', '2026-12-01'), { visitDate: '2026-12-01' })).toEqual({
      ok: true,
      change: null,
    });
    expect(planChange(at('visit_scheduled', '2026-12-01'), { visitDate: '2026-12-05' })).toEqual({
      ok: true,
      change: { from: 'visit_scheduled', to: 'visit_scheduled', visitDate: '2026-12-05' },
    });
  });
});
