import { apiRequest } from './api';
import { storeTokenPair } from './session-store';
import { changingTokens, freshAccessToken } from './token-refresh';
import type { ChangeMyPasswordBody, TokenPair } from './types/auth';

/**
 * `PUT /api/v1/me/password`: on success this session continues with the answered token pair (stored here) and
 * the operator's other sessions are revoked. Refreshes started meanwhile (requests or the live socket refused
 * with the old token) wait for the new pair instead of spending the old refresh token.
 * @throws ApiProblem — 422 with `errors[].field` `currentPassword` | `newPassword`
 */
export async function changeMyPassword(body: ChangeMyPasswordBody): Promise<void> {
  const token = await freshAccessToken();
  const work = apiRequest<TokenPair>('/v1/me/password', { method: 'PUT', body, token }).then((pair) => {
    storeTokenPair(pair);
  });
  await changingTokens(work);
}
