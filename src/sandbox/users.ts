/**
 * The people a trainer can chat as. Ids follow LINE's shape (U + 32 hex digits) so the bot treats them
 * like real users; the language is what LINE's profile endpoint reports for each.
 */
export type SandboxUser = {
  userId: string;
  displayName: string;
  language: string;
  /** Shown in the picker, in the page's language (key in the sandbox namespace). */
  descriptionKey: string;
};

export const SANDBOX_USERS: readonly SandboxUser[] = [
  {
    userId: 'U5a0d1c0b7e3f4a2b9c8d7e6f5a4b3c2d',
    displayName: 'สมศรี ใจดี',
    language: 'th',
    descriptionKey: 'users.thaiResident',
  },
  {
    userId: 'U6b1e2d1c8f404b3cad9e8f7061524354',
    displayName: 'Maiv Xyooj',
    language: 'hmn',
    descriptionKey: 'users.hmongResident',
  },
  {
    userId: 'U7c2f3e2d9051405dbe0f9081726354a5',
    displayName: 'Emma Clarke',
    language: 'en',
    descriptionKey: 'users.englishVolunteer',
  },
  {
    userId: 'U8d304f3e0a62416ecf10a19283746556',
    displayName: 'บุญมี ทองคำ',
    language: 'th',
    descriptionKey: 'users.thaiStaff',
  },
];

export function findSandboxUser(userId: string): SandboxUser | undefined {
  return SANDBOX_USERS.find((user) => user.userId === userId);
}
