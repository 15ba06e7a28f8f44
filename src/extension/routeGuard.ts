import type * as vscode from 'vscode';
import {
  bindingChanges,
  bindingFor,
  describeRoute,
  legacyBinding,
  sameBinding,
  tokenBindingChanges,
  type RouteBinding,
  type TokenBinding,
} from '../core/model/routeBinding';
import { PROPERTY_LABELS } from '../shared/properties';
import type { SecretField } from '../shared/invoker';
import type { Confirmation, Confirmations } from './confirmations';
import { invokerKey, invokerLabel, type InvokerRef } from './invokerStore';
import { InvokerUnavailable } from './invokerUnavailable';
import type { MessageRecord } from './messageRecord';
import type { SecretStore } from './secretStore';

/** Whether a person may be asked, and how the token broker hears that one is needed. */
export interface AskOptions {
  readonly interactive: boolean;
  /** Called before a person is asked, or would be asked when not interactive (see RunOptions.personNeeded). */
  readonly personNeeded?: () => void;
}

function originOf(url: string): string {
  try {
    return new URL(url.trim()).origin;
  } catch {
    return '';
  }
}

/** What a record's tokens were issued to; a record kept before bindings covered tokens: its token URL's origin. */
export function issuedToOf(record: MessageRecord): TokenBinding {
  return record.issuedTo ?? { route: legacyBinding(originOf(record.message.metadata.tokenUrl ?? '')) };
}

/**
 * What goes along a route only when it is the one the person entered or allowed it for: stored secrets, the tokens a
 * server issued, another invoker's token for a Token Exchange. Each check lets it go, asks the person (in a modal that
 * names every change) or, without a person, refuses with an error that says why; nothing is sent then.
 */
export class RouteGuard {
  constructor(
    private readonly secrets: SecretStore,
    private readonly confirmations: Confirmations,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  /** The one shape of every check that found a change: the person confirms (interactive), or `refusal` is thrown. */
  private async askOrRefuse(options: AskOptions, question: Confirmation, refusal: InvokerUnavailable): Promise<void> {
    options.personNeeded?.();
    if (!options.interactive || !(await this.confirmations.confirm(question))) {
      throw refusal;
    }
  }

  /**
   * The secrets `fields` of the invoker, each only when the route its requests take now is the one it was entered
   * or confirmed with; otherwise the user confirms (interactive; the secrets are bound to the route then) or the
   * invoker is refused, naming what changed.
   */
  async secretsFor(binding: RouteBinding, ref: InvokerRef, fields: readonly SecretField[], options: AskOptions): Promise<Partial<Record<SecretField, string>>> {
    if (binding.origin === '') {
      return {}; // a URL that does not parse goes nowhere: the core's validation names it
    }
    const { values, withheld } = await this.secrets.forRoute(ref, fields, binding);
    if (withheld.length === 0) {
      return values;
    }
    const names = withheld.map((w) => `"${PROPERTY_LABELS[w.field]}"`).join(' and ');
    const changes = [...new Set(withheld.flatMap((w) => bindingChanges(w.bound, bindingFor(w.field, binding))))];
    const several = withheld.length > 1;
    await this.askOrRefuse(
      options,
      {
        text: `Invoker "${invokerLabel(ref)}": since its ${names} ${several ? 'were' : 'was'} entered, ${changes.join('; ')}.`,
        detail: `Send the stored ${several ? 'secrets' : 'secret'} this way only if you made these changes and trust whoever can now read the request. Otherwise edit the invoker and enter ${several ? 'them' : 'it'} again.`,
        button: 'Send',
      },
      new InvokerUnavailable(
        `Invoker "${invokerLabel(ref)}": the stored ${names} ${several ? 'are' : 'is'} not sent, because since ${several ? 'they were' : 'it was'} entered ${changes.join('; ')}. Edit the invoker and enter ${several ? 'them' : 'it'} again, or confirm when asked.`,
        true,
      ),
    );
    await this.secrets.rebind(
      ref,
      withheld.map((w) => w.field),
      binding,
    );
    this.log.info(`[${invokerLabel(ref)}] stored secrets re-bound to the current route after confirmation: ${changes.join('; ')}`);
    return (await this.secrets.forRoute(ref, fields, binding)).values;
  }

  /**
   * The tokens a server issued go only along the route (and to the client) they were issued to: when `now` differs
   * from `bound`, a person confirms (interactive) or nothing is sent and the error names the change.
   */
  async tokensMayGo(ref: InvokerRef, what: string, bound: TokenBinding, now: TokenBinding, options: AskOptions): Promise<void> {
    if (now.route.origin === '') {
      return; // a URL that does not parse goes nowhere: the core's validation names it
    }
    const changes = tokenBindingChanges(bound, now);
    if (changes.length === 0) {
      return;
    }
    await this.askOrRefuse(
      options,
      {
        text: `Invoker "${invokerLabel(ref)}": since its ${what} was issued, ${changes.join('; ')}.`,
        detail:
          'A token lets whoever holds it act as you. Send it this way only if you made these changes and trust whoever can now read the request. Otherwise execute the invoker again for new tokens.',
        button: 'Send',
      },
      new InvokerUnavailable(
        `Invoker "${invokerLabel(ref)}": its ${what} is not sent, because since it was issued ${changes.join('; ')}. Execute the invoker again for new tokens, or confirm when asked.`,
        false,
      ),
    );
    this.log.info(`[${invokerLabel(ref)}] the ${what} is sent along a changed route after confirmation: ${changes.join('; ')}`);
  }

  /**
   * Another invoker's access token goes to this invoker's token endpoint (Token Exchange) only along a route the person
   * confirmed for exactly that: this invoker taking that invoker's token. Asked the first time and whenever the route
   * or the source changes; without a person (background, API), refused. The consent is kept in SecretStorage.
   */
  async subjectTokenMayGo(ref: InvokerRef, sourceRef: InvokerRef, binding: RouteBinding, options: AskOptions): Promise<void> {
    if (binding.origin === '') {
      return;
    }
    const consent = await this.secrets.subjectConsent(ref);
    if (consent !== undefined && consent.source === invokerKey(sourceRef) && sameBinding(consent.route, binding)) {
      return;
    }
    const field = PROPERTY_LABELS.subjectTokenInvoker;
    const why =
      consent === undefined || consent.source !== invokerKey(sourceRef)
        ? `takes the access token of invoker "${invokerLabel(sourceRef)}" ("${field}")`
        : `takes the access token of invoker "${invokerLabel(sourceRef)}", and its route changed since you allowed it: ${bindingChanges(consent.route, binding).join('; ')}`;
    await this.askOrRefuse(
      options,
      {
        text: `Invoker "${invokerLabel(ref)}" ${why}. Send that token to ${describeRoute(binding)}?`,
        detail: `Whoever receives it can act as "${invokerLabel(sourceRef)}" does. Allow this only if you set up this invoker and trust that server; you are asked again whenever the route or the source invoker changes.`,
        button: 'Send',
      },
      new InvokerUnavailable(
        `Invoker "${invokerLabel(ref)}" ${why}: that needs your confirmation, so nothing was sent. Execute "${invokerLabel(ref)}" yourself to confirm.`,
        false,
      ),
    );
    await this.secrets.setSubjectConsent(ref, { source: invokerKey(sourceRef), route: binding });
    this.log.info(`[${invokerLabel(ref)}] allowed to send the access token of "${invokerLabel(sourceRef)}" to ${binding.origin}`);
  }
}
