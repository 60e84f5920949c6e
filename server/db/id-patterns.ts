// Kept apart from ids.ts (which mints ids with node:crypto) so the edge middleware can match paths.
export const MERCHANT_ID_PATTERN = /^mer_[0-9a-z]{20}$/;
