import * as vscode from 'vscode';
import type { ImportCandidate, ImportFile, ImportPreview } from '../shared/import/index';
import { loadImporters } from './importerLoader';
import type { InvokerScope, SecretField } from '../shared/invoker';
import { GRANT_TYPE_LABELS } from '../shared/properties';
import { pickInvoker, type RecentInvokers } from './invokerPicker';
import type { InvokerRunner } from './invokerRunner';
import type { ImportItem, InvokerService } from './invokerService';
import { invokerLabel, type InvokerRef, type InvokerStore } from './invokerStore';
import type { SecretStore } from './secretStore';
import { exists, fileName, readFolder, readText } from './importFiles';
import { showError, showInformation, showWarning } from './notifications';

const PRIVATE_ENV = 'http-client.private.env.json';
const PUBLIC_ENV = 'http-client.env.json';

/**
 * "Import Invokers…" arguments, for keybindings, automation and the tests; each one given skips its question.
 * `select` names the rows to import (default: every importable row); `onClash` answers every name clash.
 */
export interface ImportArgs {
  readonly files?: readonly string[];
  /** A Bruno collection folder (bruno.json or opencollection.yml at its root), instead of files. */
  readonly folder?: string;
  readonly environment?: string;
  readonly select?: readonly string[];
  readonly onClash?: 'update' | 'suffix';
  readonly scope?: InvokerScope;
}

/** "Export Invoker…" arguments, for keybindings, automation and the tests. */
export interface ExportArgs {
  readonly invoker?: string;
  readonly file?: string;
  readonly environment?: string;
  readonly includeSecrets?: boolean;
  readonly addToGitignore?: boolean;
}

export interface ImportExportParts {
  readonly invokers: InvokerStore;
  readonly service: InvokerService;
  readonly secrets: SecretStore;
  readonly runner: InvokerRunner;
  readonly recent: RecentInvokers;
  readonly log: vscode.LogOutputChannel;
  /**
   * True only in an extension test run: then `includeSecrets: true` is taken without the warning dialog (VS Code
   * shows no dialogs to tests). Anywhere else a caller's `includeSecrets` still asks the user, so that no other
   * extension can have a stored secret written to a file it reads.
   */
  readonly testMode: boolean;
}

/** What an import did, for the user's message and the tests. */
export interface ImportResult {
  readonly imported: readonly InvokerRef[];
  readonly updated: number;
  readonly notImported: number;
}

/** What the Export command was called with: a tree node (its message's invoker), a reference, a name, or arguments. */
function exportTarget(target: unknown): { ref?: InvokerRef; args: ExportArgs } {
  if (typeof target === 'string') {
    return { args: { invoker: target } };
  }
  if (target === null || typeof target !== 'object') {
    return { args: {} };
  }
  const record = (target as { record?: { invoker?: InvokerRef } }).record;
  if (record?.invoker !== undefined) {
    return { ref: record.invoker, args: {} };
  }
  const t = target as Partial<InvokerRef> & ExportArgs;
  if (typeof t.name === 'string' && (t.scope === 'user' || t.scope === 'workspace')) {
    return { ref: { name: t.name, scope: t.scope }, args: {} };
  }
  return { args: t };
}

/** The import and export commands: file pickers and quick picks around the pure importers and InvokerService. */
export class ImportExportCommands {
  constructor(private readonly p: ImportExportParts) {}

  /** The picked files, with http-client.private.env.json beside a picked http-client.env.json added as the JetBrains client does. */
  private async pickFiles(args: ImportArgs): Promise<vscode.Uri[] | undefined> {
    const picked =
      args.files?.map((file) => vscode.Uri.file(file)) ??
      (await vscode.window.showOpenDialog({
        canSelectMany: true,
        openLabel: 'Preview Import',
        title: 'Import OAuth2 invokers from http-client.env.json, a Postman collection (and environment) or an Insomnia export',
        filters: { 'OAuth configurations': ['json', 'yaml', 'yml'], 'All files': ['*'] },
      }));
    if (picked === undefined || picked.length === 0) {
      return undefined;
    }
    const uris = [...picked];
    for (const uri of picked) {
      if (fileName(uri) === PUBLIC_ENV) {
        const beside = vscode.Uri.joinPath(uri, '..', PRIVATE_ENV);
        if (!uris.some((u) => u.toString() === beside.toString()) && (await exists(beside))) {
          uris.push(beside);
        }
      }
    }
    return uris;
  }

  /** Files, or a Bruno collection folder: what the user picks, or what `files` / `folder` name. */
  private async pickSource(args: ImportArgs): Promise<ImportFile[] | undefined> {
    let folder = args.folder !== undefined ? vscode.Uri.file(args.folder) : undefined;
    if (folder === undefined && args.files === undefined) {
      const kind = await vscode.window.showQuickPick(
        [
          { label: 'Files…', description: 'http-client.env.json, a Postman collection, an Insomnia export', folder: false },
          { label: 'A Bruno collection folder…', description: 'the folder with bruno.json or opencollection.yml', folder: true },
        ],
        { placeHolder: 'Import OAuth2 invokers from' },
      );
      if (kind === undefined) {
        return undefined;
      }
      if (kind.folder) {
        const picked = await vscode.window.showOpenDialog({
          canSelectFiles: false,
          canSelectFolders: true,
          canSelectMany: false,
          openLabel: 'Preview Import',
          title: 'Import OAuth2 invokers from a Bruno collection folder',
        });
        if (picked === undefined || picked.length === 0) {
          return undefined;
        }
        folder = picked[0];
      }
    }
    if (folder !== undefined) {
      return readFolder(folder);
    }
    const uris = await this.pickFiles(args);
    if (uris === undefined) {
      return undefined;
    }
    // A collection's bruno.json or opencollection.yml picked as a file: the collection is its folder.
    if (uris.length === 1 && ['bruno.json', 'opencollection.yml'].includes(fileName(uris[0]))) {
      return readFolder(vscode.Uri.joinPath(uris[0], '..'));
    }
    return Promise.all(uris.map(async (uri) => ({ name: fileName(uri), text: await readText(uri) })));
  }

  async importInvokers(args: ImportArgs = {}): Promise<ImportResult | undefined> {
    const files = await this.pickSource(args);
    if (files === undefined) {
      return undefined;
    }
    let preview = loadImporters().previewImport(files, { environment: args.environment });
    // Insomnia's base environment applies alone too, so one sub-environment is already a choice.
    if (args.environment === undefined && preview.environments.length > (preview.format === 'insomnia' ? 0 : 1)) {
      const environment = await this.pickEnvironment(preview);
      if (environment === null) {
        return undefined;
      }
      preview = loadImporters().previewImport(files, { environment });
    }
    const chosen = await this.pickRows(preview, files, args);
    if (chosen === undefined || chosen.length === 0) {
      return undefined;
    }
    const scope = args.scope ?? (await this.pickScope());
    if (scope === undefined) {
      return undefined;
    }
    const items = await this.resolveClashes(chosen, scope, args);
    if (items === undefined) {
      return undefined;
    }
    for (const row of chosen) {
      for (const warning of row.warnings) {
        this.p.log.warn(`import: [${row.config.name}] ${warning}`);
      }
    }
    const imported = await this.p.service.importInvokers(items, scope);
    const updated = items.filter((item) => item.update).length;
    const notImported = preview.rows.length - items.length;
    const warned = chosen.filter((row) => row.warnings.length > 0).length;
    const text =
      `Imported ${imported.length} invoker(s) from ${loadImporters().IMPORT_FORMAT_LABELS[preview.format]}` +
      `${updated > 0 ? ` (${updated} updated)` : ''}${notImported > 0 ? `; ${notImported} listed but not imported` : ''}` +
      `${warned > 0 ? `; ${warned} need attention (see the log)` : ''}.`;
    void showInformation(text, ...(warned > 0 ? ['Show Log'] : [])).then((choice) => (choice !== undefined ? this.p.log.show(true) : undefined));
    return { imported, updated, notImported };
  }

  /** The environment to resolve variables in; null when cancelled. Insomnia's base environment applies alone too. */
  private async pickEnvironment(preview: ImportPreview): Promise<string | undefined | null> {
    const items: Array<vscode.QuickPickItem & { environment: string | undefined }> = preview.environments.map((environment) => ({
      label: environment,
      environment,
    }));
    if (preview.format === 'insomnia') {
      items.unshift({ label: 'Base Environment only', environment: undefined });
    }
    const picked = await vscode.window.showQuickPick(items, { placeHolder: 'Resolve the {{variables}} in which environment?' });
    return picked === undefined ? null : picked.environment;
  }

  /** The preview as a quick pick with checkboxes: importable rows ticked; rows that cannot be imported say why. */
  private async pickRows(preview: ImportPreview, files: readonly ImportFile[], args: ImportArgs): Promise<ImportCandidate[] | undefined> {
    const candidates = preview.rows.filter((row): row is ImportCandidate => row.kind === 'invoker');
    // Called with the files (automation, tests): no preview to tick; every importable row unless `select` names some.
    if (args.select !== undefined || args.files !== undefined || args.folder !== undefined) {
      return candidates.filter((row) => args.select === undefined || args.select.includes(row.config.name));
    }
    type Item = vscode.QuickPickItem & { row?: ImportCandidate };
    const items: Item[] = preview.rows.map((row): Item =>
      row.kind === 'invoker'
        ? {
            label: row.config.name,
            description: `${GRANT_TYPE_LABELS[row.config.grantType]} · ${row.source}`,
            detail: row.warnings.length > 0 ? `$(warning) ${row.warnings.join(' ')}` : row.config.authorizationServerUrl,
            picked: true,
            row,
          }
        : { label: `$(circle-slash) ${row.name}`, description: row.source, detail: row.reason },
    );
    const environment = preview.environment !== undefined ? ` · environment "${preview.environment}"` : '';
    const picked = await vscode.window.showQuickPick(items, {
      canPickMany: true,
      matchOnDescription: true,
      title: `Import from ${files.some((f) => f.path !== undefined) ? 'the collection folder' : files.map((f) => f.name).join(' + ')} (${loadImporters().IMPORT_FORMAT_LABELS[preview.format]}${environment})`,
      placeHolder: candidates.length > 0 ? 'Tick the invokers to import' : 'Nothing here can be imported: each row says why',
    });
    return picked?.flatMap((item) => (item.row !== undefined ? [item.row] : []));
  }

  private async pickScope(): Promise<InvokerScope | undefined> {
    if ((vscode.workspace.workspaceFolders?.length ?? 0) === 0) {
      return 'user';
    }
    const picked = await vscode.window.showQuickPick(
      [
        { label: 'User settings', description: 'in every workspace', scope: 'user' as const },
        { label: 'Workspace settings', description: 'in this workspace only', scope: 'workspace' as const },
      ],
      { placeHolder: 'Save the imported invokers in…' },
    );
    return picked?.scope;
  }

  /** Each chosen row whose name is taken: the user updates that invoker or imports under a suffixed name. */
  private async resolveClashes(rows: readonly ImportCandidate[], scope: InvokerScope, args: ImportArgs): Promise<ImportItem[] | undefined> {
    const existing = new Set(
      this.p.invokers
        .list()
        .filter((entry) => entry.scope === scope)
        .map((entry) => entry.config.name),
    );
    const taken = new Set([...existing, ...rows.map((row) => row.config.name)]);
    const items: ImportItem[] = [];
    for (const row of rows) {
      const name = row.config.name;
      if (!existing.has(name)) {
        items.push({ config: row.config, secrets: row.secrets, update: false });
        continue;
      }
      const suffixed = loadImporters().uniqueName(name, taken);
      let answer = args.onClash;
      if (answer === undefined) {
        const update = `Update "${name}"`;
        const suffix = `Import as "${suffixed}"`;
        const choice = await showWarning(
          `An invoker "${invokerLabel({ name, scope })}" exists already.`,
          { modal: true, detail: 'Update replaces its properties and the secrets the import brings; its other stored secrets stay.' },
          update,
          suffix,
        );
        if (choice === undefined) {
          return undefined;
        }
        answer = choice === update ? 'update' : 'suffix';
      }
      if (answer === 'update') {
        items.push({ config: row.config, secrets: row.secrets, update: true });
      } else {
        taken.add(suffixed);
        items.push({ config: { ...row.config, name: suffixed }, secrets: row.secrets, update: false });
      }
    }
    return items;
  }

  /**
   * Exports an invoker: the tree's message node, an invoker reference or name, or ExportArgs (automation, tests);
   * without one, the user picks.
   */
  async exportInvoker(target?: unknown): Promise<vscode.Uri | undefined> {
    const { ref: given, args } = exportTarget(target);
    const ref =
      given ?? (args.invoker !== undefined ? this.refOf(args.invoker) : await pickInvoker(this.p.invokers, this.p.recent, 'Export which OAuth2 invoker?'));
    const entry = ref !== undefined ? this.p.invokers.find(ref.name, ref.scope) : undefined;
    if (ref === undefined || entry === undefined) {
      return undefined;
    }
    const problem = loadImporters().jetBrainsExportProblem(entry.config);
    if (problem !== undefined) {
      void showError(`"${invokerLabel(ref)}" cannot be exported: ${problem}.`);
      return undefined;
    }
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const file =
      args.file !== undefined
        ? vscode.Uri.file(args.file)
        : await vscode.window.showSaveDialog({
            title: `Export "${invokerLabel(ref)}" to a JetBrains HTTP Client / httpyac environment file`,
            saveLabel: 'Export',
            filters: { 'Environment file': ['json'] },
            ...(folder !== undefined ? { defaultUri: vscode.Uri.joinPath(folder, PUBLIC_ENV) } : {}),
          });
    if (file === undefined) {
      return undefined;
    }
    const existingPublic = (await exists(file)) ? await readText(file) : undefined;
    const environment =
      args.environment ??
      (await vscode.window.showInputBox({
        prompt: 'The environment the invoker goes into',
        value: 'dev',
        validateInput: (v) => (v.trim() === '' || v.trim().startsWith('$') ? 'A name that does not start with $' : undefined),
      }));
    if (environment === undefined) {
      return undefined;
    }
    const privateFile = vscode.Uri.joinPath(file, '..', PRIVATE_ENV);
    const includeSecrets =
      args.includeSecrets === false
        ? false
        : args.includeSecrets === true && this.p.testMode
          ? true
          : await this.askIncludeSecrets(args.includeSecrets === true);
    if (includeSecrets === undefined) {
      return undefined;
    }
    const stored = await this.p.secrets.stored(ref);
    let secrets: { clientSecret?: string; password?: string } | undefined;
    if (includeSecrets) {
      // Only secrets bound to the route the invoker's requests take now: a withheld one is not handed out here either.
      const fields: SecretField[] = entry.config.grantType === 'password' ? ['clientSecret', 'password'] : ['clientSecret'];
      const { values, withheld } = await this.p.secrets.forRoute(ref, fields, await this.p.runner.bindingOf(entry.config));
      secrets = { clientSecret: values.clientSecret, password: values.password };
      if (withheld.length > 0) {
        void showWarning(
          `Not written to ${PRIVATE_ENV}: the stored ${withheld.map((w) => w.field).join(' and ')} of "${invokerLabel(ref)}", entered for another route; execute the invoker once to confirm the route.`,
        );
      }
    }
    const result = loadImporters().exportJetBrains(entry.config, {
      environment,
      hasClientSecret: stored.clientSecret,
      secrets,
      existingPublic,
      existingPrivate: secrets !== undefined && (await exists(privateFile)) ? await readText(privateFile) : undefined,
    });
    await vscode.workspace.fs.writeFile(file, new TextEncoder().encode(result.publicText));
    if (result.privateText !== undefined) {
      await vscode.workspace.fs.writeFile(privateFile, new TextEncoder().encode(result.privateText));
      await this.offerGitignore(privateFile, args.addToGitignore);
    }
    this.p.log.info(
      `[${invokerLabel(ref)}] exported to ${file.fsPath} (environment "${environment}")${result.privateText !== undefined ? `, its secrets to ${PRIVATE_ENV}` : ''}`,
    );
    for (const warning of result.warnings) {
      this.p.log.warn(`export: [${invokerLabel(ref)}] ${warning}`);
    }
    if (args.file === undefined) {
      await vscode.window.showTextDocument(file, { preview: true });
      void showInformation(
        `Exported "${invokerLabel(ref)}" as {{$auth.token("${entry.config.name}")}} of environment "${environment}".${result.warnings.length > 0 ? ` ${result.warnings.join(' ')}` : ''}`,
      );
    }
    return file;
  }

  private refOf(name: string): InvokerRef | undefined {
    const entry = this.p.invokers.find(name);
    return entry !== undefined ? { name: entry.config.name, scope: entry.scope } : undefined;
  }

  /** A tick for writing the secrets (unless the caller asked for them), then a warning; undefined when cancelled. */
  private async askIncludeSecrets(requested: boolean): Promise<boolean | undefined> {
    if (!requested) {
      const tick = {
        label: `Also write the client secret and password to ${PRIVATE_ENV}`,
        detail: `Without it, ${PUBLIC_ENV} names them as {{variables}} for you to define there.`,
      };
      const picked = await vscode.window.showQuickPick([tick], { canPickMany: true, placeHolder: 'Secrets stay out of http-client.env.json either way' });
      if (picked === undefined) {
        return undefined;
      }
      if (picked.length === 0) {
        return false;
      }
    }
    const write = 'Write Secrets';
    const choice = await showWarning(
      `Write the secrets in plain text to ${PRIVATE_ENV}?`,
      { modal: true, detail: 'Anyone who can read that file can use them. Keep it out of version control and out of shared folders.' },
      write,
      'Without Secrets',
    );
    return choice === undefined ? undefined : choice === write;
  }

  /** Offers to add the private file to the .gitignore of its workspace folder, when it is not ignored yet. */
  private async offerGitignore(privateFile: vscode.Uri, answer: boolean | undefined): Promise<void> {
    const folder = vscode.workspace.getWorkspaceFolder(privateFile);
    if (folder === undefined) {
      return;
    }
    const relative = vscode.workspace.asRelativePath(privateFile, false);
    const gitignore = vscode.Uri.joinPath(folder.uri, '.gitignore');
    const text = (await exists(gitignore)) ? new TextDecoder().decode(await vscode.workspace.fs.readFile(gitignore)) : '';
    if (loadImporters().gitignoreCovers(text, relative)) {
      return;
    }
    const add = 'Add to .gitignore';
    const yes = answer ?? (await showWarning(`${relative} holds secrets and is not in .gitignore.`, add)) === add;
    if (yes) {
      await vscode.workspace.fs.writeFile(gitignore, new TextEncoder().encode(loadImporters().gitignoreWith(text, relative)));
      this.p.log.info(`${relative} added to .gitignore`);
    }
  }
}
