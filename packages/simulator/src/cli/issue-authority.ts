/**
 * `shomei-sim issue --authority <dir>`: counter issuance at a persisted Authority instead of the
 * built-in test CA. The directory is created with a default authority when it holds none; on a fresh
 * authority the operator card named by --operator-card is created and enrolled (the bootstrap
 * operator), otherwise it is loaded. Issuance runs under that operator's session.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { Authority, type IssueRequest } from '../authority/authority.js';
import { OperatorCard } from '../authority/operator-card.js';
import type { VirtualJpkiCard } from '../card/virtual-card.js';
import { simulatorError } from '../errors.js';
import { readOperatorPin } from './operator-pin.js';

export async function issueAtAuthority(
  o: { dir: string; operatorCard: string | undefined; pinStdin: boolean },
  request: IssueRequest,
): Promise<VirtualJpkiCard> {
  if (!o.operatorCard) {
    throw simulatorError(
      'USAGE',
      'issue --authority needs --operator-card <file> (created on a new authority).',
    );
  }
  const authority = await Authority.openOrCreate({ dir: o.dir });
  let operator: OperatorCard;
  const pin = await readOperatorPin(o.pinStdin);
  if (authority.operatorCount === 0 && !existsSync(o.operatorCard)) {
    operator = OperatorCard.create({ name: 'default operator', pin });
    authority.enrolOperator(operator);
    writeFileSync(o.operatorCard, operator.save(), { mode: 0o600 });
  } else {
    try {
      operator = OperatorCard.load(readFileSync(o.operatorCard, 'utf8'));
    } catch (cause) {
      throw simulatorError('CARD_FILE_UNREADABLE', `Cannot read the operator card ${o.operatorCard}.`, {
        cause,
      });
    }
    const file = o.operatorCard;
    operator.onPersistentChange(() => writeFileSync(file, operator.save(), { mode: 0o600 }));
  }
  const session = authority.openSession(operator, pin);
  try {
    return (await authority.issue(session, request)).card;
  } finally {
    authority.closeSession(session);
  }
}
