/**
 * What the request log says of a URL: the path without its query (search text holds names and
 * phone numbers), with LINE user ids masked to their last four characters.
 */
export function loggedPath(url: string): string {
  const path = url.split('?')[0] ?? '';
  return path.replace(/U[0-9a-f]{32}/gi, (id) => `U…${id.slice(-4)}`);
}
