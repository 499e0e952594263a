import { casesBringingHandoff, handoffScope } from '../../src/handoffs/scope';

const USER = `U${'a'.repeat(32)}`;
const theirCases = {
  $or: [{ 'reporter.lineUserId': USER }, { 'volunteer.lineUserId': USER }],
};
const staff = (role: 'admin' | 'coordinator' | 'caseworker' | 'viewer', provinces: string[] = []) => ({
  id: 'staff-1',
  role,
  provinces,
});

describe('whose hand-offs a staff member works on', () => {
  it('admins: everyone, people with no case included', () => {
    expect(handoffScope(staff('admin', ['50']))).toEqual({ all: true });
    expect(casesBringingHandoff({ all: true }, USER)).toEqual(theirCases);
  });

  it('coordinators: their provinces, or everyone when they have none (a national coordinator)', () => {
    expect(handoffScope(staff('coordinator'))).toEqual({ all: true });
    const provincial = handoffScope(staff('coordinator', ['50', '57']));
    expect(provincial).toEqual({
      all: false,
      cases: { 'location.resolved.provinceCode': { $in: ['50', '57'] } },
    });
    // Not the cases assigned to them elsewhere: the brief's rule for coordinators is their provinces.
    expect(JSON.stringify(provincial)).not.toContain('assigneeId');
  });

  it('caseworkers: the cases they may see, assigned to them or in their provinces', () => {
    expect(handoffScope(staff('caseworker', ['50']))).toEqual({
      all: false,
      cases: {
        $or: [{ assigneeId: 'staff-1' }, { 'location.resolved.provinceCode': { $in: ['50'] } }],
      },
    });
    // Without provinces, only what is assigned to them: never everything.
    expect(handoffScope(staff('caseworker'))).toEqual({
      all: false,
      cases: { $or: [{ assigneeId: 'staff-1' }, { 'location.resolved.provinceCode': { $in: [] } }] },
    });
  });

  it('viewers: nobody', () => {
    expect(handoffScope(staff('viewer'))).toEqual({ all: false, cases: { _id: { $in: [] } } });
  });

  it('a scoped reader reaches a person only through a case of theirs that the scope matches', () => {
    const scope = handoffScope(staff('caseworker', ['10']));
    expect(casesBringingHandoff(scope, USER)).toEqual({
      $and: [theirCases, scope.all ? {} : scope.cases],
    });
  });
});
