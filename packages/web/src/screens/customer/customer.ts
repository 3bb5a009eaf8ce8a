/** Which customer a page is about. */
export type Customer = { kind: 'person' | 'account'; id: string };
