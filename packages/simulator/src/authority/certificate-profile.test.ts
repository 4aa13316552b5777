/**
 * The JPKI-shaped certificates the authority issues pass core's strict verifier: the RFC 5280
 * profile (every rule, nothing relaxed), certificate trust anchors, and no CA in the end-entity
 * position — under the two J-LIS CAs and under the optional common root.
 */
import { type PathResult, validatePath } from '@shomei/core';
import { describe, expect, it } from 'vitest';
import { HOLDER, PINS } from '../../test/fixture.js';
import { Authority } from './authority.js';
import { OperatorCard } from './operator-card.js';

async function issued(root: boolean) {
  const authority = await Authority.create({ label: root ? 'profile-root' : 'profile', root });
  const operator = OperatorCard.create({ name: 'counter', pin: '2468' });
  authority.enrolOperator(operator);
  const session = authority.openSession(operator, '2468');
  const { card } = await authority.issue(session, { holder: HOLDER, pins: PINS });
  return { authority, card };
}

const summary = (r: PathResult) => [r.code, r.failures.map((f) => `${f.code}: ${f.detail}`)];

describe('the authority’s certificates under the strict profile', () => {
  it.each([false, true])(
    'sign and auth certificates validate with profile strict (root %s)',
    async (root) => {
      const { authority, card } = await issued(root);
      const options = {
        trustAnchors: authority.trustAnchors,
        intermediates: root ? [authority.caCertificate('sign'), authority.caCertificate('auth')] : [],
        revocation: 'off' as const,
        profile: 'strict' as const,
        trustAnchorMode: 'certificate' as const,
      };
      const results = await Promise.all([
        validatePath(card.certificate('sign'), options),
        validatePath(card.certificate('auth'), options),
      ]);
      expect(results.map(summary)).toEqual([
        ['OK', []],
        ['OK', []],
      ]);
    },
  );
});
