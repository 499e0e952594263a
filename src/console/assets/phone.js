/* Thai phone numbers as people read them (081-234-5678); the stored value is never changed. */

/** The same grouping as the chat: 10 digits 3-3-4, Bangkok landlines 02-xxx-xxxx, others 3-3-3. */
export function formatPhone(phone) {
  if (typeof phone !== 'string' || !/^0\d{8,9}$/.test(phone)) return phone;
  if (phone.length === 10) return `${phone.slice(0, 3)}-${phone.slice(3, 6)}-${phone.slice(6)}`;
  if (phone.startsWith('02')) return `${phone.slice(0, 2)}-${phone.slice(2, 5)}-${phone.slice(5)}`;
  return `${phone.slice(0, 3)}-${phone.slice(3, 6)}-${phone.slice(6)}`;
}
