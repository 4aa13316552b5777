/**
 * Signature verdicts of the signed objects long-term validation meets again — the signer's
 * SignerInfo of an archived signature validated anew, each timestamp token's SignerInfo — kept in the
 * caller's ShomeiContext as the certificate-signature verdicts are (path/signature-cache.ts).
 *
 * What is kept is only the mathematical fact "this signature over these bytes verifies (or not)
 * with this key under this scheme, as this verifier said": it is found by the signature's content
 * and confirmed byte for byte against private copies of the key, the signature and the signed bytes,
 * so a changed byte is a miss. The algorithm policy is applied by the caller before a verdict is
 * asked for (cms/verify.ts refuses weak digests and short keys first) and is part of the key as
 * well, so a verdict reached under one policy never answers for another. Everything that depends on
 * time — the chain at the token's genTime, revocation and freshness at the proven time, algorithm
 * expiry — is judged on every validation; see past-validation.ts.
 */
import type { SignatureVerifier } from '../cms/public-key.js';
import { verifySignerSignature } from '../cms/public-key.js';
import type { AlgorithmPolicy } from '../cms/verify.js';
import { contentKey } from '../x509/content-key.js';
import { contextSlot, defaultContext, type ShomeiContext } from '../x509/context.js';
import { sameBytes } from './memo.js';

interface Verdict {
  /** The caller's verifier, or the context's backend when none was given. */
  readonly by: object;
  readonly policy: string;
  readonly hash: string;
  readonly spki: Uint8Array;
  readonly signature: Uint8Array;
  readonly data: Uint8Array;
  readonly ok: boolean;
}

/** Most verdicts kept per context (oldest forgotten first). */
const LIMIT = 4096;

class Verdicts {
  readonly #byKey = new Map<string, Verdict[]>();
  #count = 0;

  find(by: object, policy: string, hash: string, spki: Uint8Array, sig: Uint8Array, data: Uint8Array) {
    for (const v of this.#byKey.get(contentKey(sig)) ?? [])
      if (
        v.by === by &&
        v.policy === policy &&
        v.hash === hash &&
        sameBytes(v.signature, sig) &&
        sameBytes(v.spki, spki) &&
        sameBytes(v.data, data)
      )
        return v.ok;
    return undefined;
  }

  keep(v: Verdict): void {
    while (this.#count >= LIMIT) {
      const [key, list] = this.#byKey.entries().next().value as [string, Verdict[]];
      list.shift();
      if (list.length === 0) this.#byKey.delete(key);
      this.#count--;
    }
    const key = contentKey(v.signature);
    const list = this.#byKey.get(key);
    if (list) list.push(v);
    else this.#byKey.set(key, [v]);
    this.#count++;
  }
}

const VERDICTS = contextSlot<Verdicts>('long-term: SignerInfo signature verdicts');

/** The key a policy adds to a verdict (the defaults and an explicit `{}` are the same policy). */
export function policyKey(policy: AlgorithmPolicy | undefined): string {
  return `${policy?.allowSha1 === true ? 'sha1' : ''}|${policy?.minRsaBits ?? 2048}`;
}

/**
 * A SignatureVerifier that asks `verifier` (default: the context's backend) once per identical
 * (key, scheme, signature, signed bytes) in `context`, under `policy`, and answers from the
 * context's verdicts afterwards. A verifier that throws (an unusable key) is asked again next time.
 */
export function rememberingVerifier(
  context: ShomeiContext | undefined,
  verifier: SignatureVerifier | undefined,
  policy: AlgorithmPolicy | undefined,
): SignatureVerifier {
  const ctx = context ?? defaultContext;
  const verdicts = ctx.slot(VERDICTS, () => new Verdicts());
  const by: object = verifier ?? ctx.crypto;
  const pk = policyKey(policy);
  return async (cert, hash, signature, data) => {
    const known = verdicts.find(by, pk, hash, cert.spki, signature, data);
    if (known !== undefined) return known;
    const ok = verifier
      ? await verifier(cert, hash, signature, data)
      : await verifySignerSignature(cert, hash, signature, data, ctx);
    verdicts.keep({
      by,
      policy: pk,
      hash,
      spki: cert.spki.slice(),
      signature: signature.slice(),
      data: data.slice(),
      ok: ok === true,
    });
    return ok;
  };
}
