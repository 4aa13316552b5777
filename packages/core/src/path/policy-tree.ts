/**
 * The valid_policy_tree of RFC 5280 §6.1.2 (a) and its processing in §6.1.3 (d)–(e), §6.1.4 (b) and
 * §6.1.5 (g). Nodes hold their valid_policy and expected_policy_set; depth = index in `levels`.
 */
import type { PolicyMapping } from '../x509/extensions.js';
import { ANY_POLICY } from '../x509/oids.js';
import { BudgetExhausted, type WorkBudget } from './budget.js';

interface PolicyNode {
  readonly validPolicy: string;
  /** Shared between nodes (never mutated in place: replaced). */
  expected: ReadonlySet<string>;
  readonly parent: PolicyNode | undefined;
  children: PolicyNode[];
  deleted: boolean;
}

export class PolicyTree {
  /** levels[d] = the nodes of depth d; levels[0] = [anyPolicy root]. */
  #levels: PolicyNode[][];

  readonly #budget: WorkBudget | undefined;

  /** Every node created is charged to `budget`; when it runs out, `BudgetExhausted` is thrown. */
  constructor(budget?: WorkBudget) {
    this.#budget = budget;
    const root: PolicyNode = {
      validPolicy: ANY_POLICY,
      expected: new Set([ANY_POLICY]),
      parent: undefined,
      children: [],
      deleted: false,
    };
    this.#levels = [[root]];
  }

  #add(
    parent: PolicyNode,
    validPolicy: string,
    expected: ReadonlySet<string> | readonly string[],
    depth: number,
  ): void {
    if (this.#budget && !this.#budget.spend('policyNodes')) throw new BudgetExhausted('policyNodes');
    const node: PolicyNode = {
      validPolicy,
      expected: expected instanceof Set ? expected : new Set(expected),
      parent,
      children: [],
      deleted: false,
    };
    parent.children.push(node);
    const level = this.#levels[depth] ?? [];
    this.#levels[depth] = level;
    level.push(node);
  }

  #live(depth: number): PolicyNode[] {
    return (this.#levels[depth] ?? []).filter((n) => !n.deleted);
  }

  /** §6.1.3 (d): process the certificatePolicies of certificate i (depth i). */
  processCertificatePolicies(i: number, policies: readonly string[], anyPolicyAllowed: boolean): void {
    this.#levels[i] = [];
    const parents = this.#live(i - 1);
    const hasAny = policies.includes(ANY_POLICY);
    for (const p of policies) {
      if (p === ANY_POLICY) continue;
      // (d)(1)(i): children of nodes that expect P.
      let matched = false;
      for (const node of parents) {
        if (node.expected.has(p)) {
          this.#add(node, p, [p], i);
          matched = true;
        }
      }
      // (d)(1)(ii): else a child of an anyPolicy node.
      if (!matched) {
        for (const node of parents) if (node.validPolicy === ANY_POLICY) this.#add(node, p, [p], i);
      }
    }
    // (d)(2): anyPolicy in the certificate, when not inhibited.
    if (hasAny && anyPolicyAllowed) {
      for (const node of parents) {
        const present = new Set(node.children.filter((c) => !c.deleted).map((c) => c.validPolicy));
        for (const e of node.expected) if (!present.has(e)) this.#add(node, e, [e], i);
      }
    }
    this.#prune(i);
  }

  /** §6.1.4 (b): apply the policy mappings of certificate i. */
  applyMappings(i: number, mappings: readonly PolicyMapping[], mappingAllowed: boolean): void {
    const byIssuer = new Map<string, string[]>();
    for (const m of mappings) {
      const list = byIssuer.get(m.issuerDomainPolicy) ?? [];
      list.push(m.subjectDomainPolicy);
      byIssuer.set(m.issuerDomainPolicy, list);
    }
    // Nodes are grouped once, and every node of one ID-P shares one expected set: a certificate
    // mapping one policy to many must not multiply the sets by the number of nodes.
    const live = this.#live(i);
    const byPolicy = new Map<string, PolicyNode[]>();
    for (const n of live) {
      const list = byPolicy.get(n.validPolicy);
      if (list) list.push(n);
      else byPolicy.set(n.validPolicy, [n]);
    }
    const any = byPolicy.get(ANY_POLICY)?.[0];
    for (const [idp, sdps] of byIssuer) {
      const nodes = byPolicy.get(idp) ?? [];
      if (mappingAllowed) {
        const expected = new Set(sdps);
        if (nodes.length > 0) {
          for (const n of nodes) n.expected = expected;
        } else if (any?.parent) {
          // (b)(1): no node for ID-P but an anyPolicy node: add ID-P under its parent.
          this.#add(any.parent, idp, expected, i);
        }
      } else {
        // (b)(2): mapping inhibited: delete nodes for ID-P.
        for (const n of nodes) this.#delete(n);
      }
    }
    if (!mappingAllowed) this.#prune(i);
  }

  #delete(n: PolicyNode): void {
    n.deleted = true;
    for (const c of n.children) this.#delete(c);
  }

  /** Deletes, bottom-up, every node above `depth` that has no live children. */
  #prune(depth: number): void {
    for (let d = depth - 1; d >= 0; d--) {
      for (const n of this.#live(d)) if (!n.children.some((c) => !c.deleted)) n.deleted = true;
    }
  }

  /** True when the tree is NULL (no node at `depth`). */
  isNull(depth: number): boolean {
    return this.#live(depth).length === 0;
  }

  /** §6.1.3 (e): no certificatePolicies extension → the tree becomes NULL. */
  clear(): void {
    for (const level of this.#levels) for (const n of level) n.deleted = true;
  }

  /**
   * §6.1.5 (g): intersect with user-initial-policy-set and return the valid policies at depth n
   * (`[anyPolicy]` when the tree still allows any policy).
   */
  intersect(n: number, initial: readonly string[]): string[] {
    if (this.isNull(n)) return [];
    if (initial.includes(ANY_POLICY)) return [...new Set(this.#live(n).map((x) => x.validPolicy))];
    const user = new Set(initial);
    // (g)(iii)(1)-(2): the valid_policy_node_set are nodes whose parent is an anyPolicy node.
    const nodeSet: PolicyNode[] = [];
    for (let d = 1; d <= n; d++)
      for (const x of this.#live(d))
        if (x.parent?.validPolicy === ANY_POLICY && !x.parent.deleted) nodeSet.push(x);
    for (const x of nodeSet) {
      if (x.validPolicy !== ANY_POLICY && !user.has(x.validPolicy)) this.#delete(x);
    }
    // (g)(iii)(3): replace a depth-n anyPolicy leaf by the user policies not yet present.
    const anyLeaf = this.#live(n).find((x) => x.validPolicy === ANY_POLICY);
    if (anyLeaf?.parent) {
      const present = new Set(nodeSet.filter((x) => !x.deleted).map((x) => x.validPolicy));
      for (const p of user) if (!present.has(p)) this.#add(anyLeaf.parent, p, [p], n);
      this.#delete(anyLeaf);
    }
    this.#prune(n);
    return [...new Set(this.#live(n).map((x) => x.validPolicy))];
  }
}
