/** The REST shapes of entity search (`GET /entities?q=`): the wire contracts, types only. */
export type { EntitySearchHit, EntitySearchResult } from '@opkernel/contracts';
