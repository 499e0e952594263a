import { burnPasswordCheck, hashPassword, needsRehash, verifyPassword } from '../../src/staff/password';
import { can, caseScope, permissionsOf, PERMISSIONS, ROLES } from '../../src/staff/permissions';

describe('password hashing', () => {
  it('stores scrypt parameters and a per-user salt with the hash, and verifies only the right password', async () => {
    const [one, two] = await Promise.all([
      hashPassword('ภาษาไทย password 1'),
      hashPassword('ภาษาไทย password 1'),
    ]);
    expect(one).toMatch(/^\$scrypt\$ln=17,r=8,p=1\$[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{44}$/);
    expect(one).not.toBe(two);
    expect(await verifyPassword('ภาษาไทย password 1', one)).toBe(true);
    expect(await verifyPassword('ภาษาไทย password 2', one)).toBe(false);
    expect(await verifyPassword('ภาษาไทย password 1', one.replace('ln=17', 'ln=16'))).toBe(false);
    expect(await verifyPassword('anything', 'plain-text')).toBe(false);
    expect(await burnPasswordCheck('ภาษาไทย password 1')).toBe(false);
    expect(needsRehash(one)).toBe(false);
    expect(needsRehash('$scrypt$ln=15,r=8,p=1$c2FsdA==$a2V5')).toBe(true);
  });
});

describe('permissions table', () => {
  it('gives admins everything and viewers no personal data, no changes', () => {
    expect(permissionsOf('admin')).toEqual(Object.keys(PERMISSIONS));
    expect(can('viewer', 'cases.read')).toBe(true);
    expect(can('viewer', 'cases.readPersonal')).toBe(false);
    expect(can('viewer', 'cases.update')).toBe(false);
    expect(can('coordinator', 'broadcasts.send')).toBe(true);
    expect(can('caseworker', 'broadcasts.send')).toBe(false);
    for (const role of ROLES.filter((r) => r !== 'admin')) {
      expect([role, can(role, 'staff.manage'), can(role, 'audit.read'), can(role, 'tokens.manage')]).toEqual([
        role,
        false,
        false,
        false,
      ]);
    }
  });

  it('limits caseworkers to their own cases and provinces', () => {
    expect(caseScope({ id: 'a', role: 'caseworker', provinces: ['50'] })).toEqual({
      all: false,
      assigneeId: 'a',
      provinces: ['50'],
    });
    expect(caseScope({ id: 'b', role: 'viewer', provinces: [] })).toEqual({ all: true });
  });
});
