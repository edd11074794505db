/**
 * The push routes of the HTTP API. A module of their own, not re-exported by the contract's
 * index: the guest page's first download holds everything the index exports that the page uses,
 * and the page needs these only in its push code, loaded after the first paint. Import them
 * from here.
 */
export const pushRoutes = { key: '/api/push/key', subscriptions: '/api/push/subscriptions' } as const
