export default async function globalTeardown(): Promise<void> {
  await globalThis.__NEEDLINE_DB_SERVER__?.stop();
}
