import { type Action, authorize, type Decision, type PolicyFacts, type TargetFacts } from '../../domain/authorization.js';
import type { OperationContext } from '../../domain/context.js';
import { DomainError, notFound } from '../../domain/errors.js';

/** Where the tenant's current policy facts come from (the policies service). */
export type PolicyFactsSource = (tenantId: string) => Promise<PolicyFacts>;

/**
 * The one authorization step every use case takes: loads the tenant's policy facts and asks the
 * pure policy in `domain/authorization.ts`. Use cases load the facts about their target (ownership,
 * the target's roles…) and pass them in; nothing else decides who may do what.
 */
export class Access {
  constructor(private readonly policyFacts: PolicyFactsSource) {}

  /**
   * The decision for `action`. `adjust` lets a use case substitute the policy fact that governs it
   * (Microsoft 365 group creation follows its own switch, read by the caller).
   */
  async decide(
    ctx: OperationContext,
    action: Action,
    target: TargetFacts = {},
    adjust?: (facts: PolicyFacts) => PolicyFacts,
  ): Promise<Decision> {
    const facts = await this.policyFacts(ctx.caller.tenantId);
    return authorize(ctx.caller, action, adjust ? adjust(facts) : facts, target);
  }

  /** Throws the decision's 403 (with its catalogue code) unless the caller may perform `action`. */
  async require(ctx: OperationContext, action: Action, target: TargetFacts = {}): Promise<void> {
    const decision = await this.decide(ctx, action, target);
    if (!decision.allowed) throw new DomainError(decision.code, decision.reason);
  }

  /** A read of one object: `action` first, then `find` in the caller's tenant; no object is 404. */
  async readOne<T>(
    ctx: OperationContext,
    action: Action,
    id: string,
    find: (tenantId: string) => Promise<T | undefined>,
  ): Promise<T> {
    await this.require(ctx, action);
    const found = await find(ctx.caller.tenantId);
    if (!found) throw notFound(id);
    return found;
  }

  async allows(ctx: OperationContext, action: Action, target: TargetFacts = {}): Promise<boolean> {
    return (await this.decide(ctx, action, target)).allowed;
  }
}
