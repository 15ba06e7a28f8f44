import * as vscode from 'vscode';
import { DEFAULT_INVOKER, type InvokerConfig } from '../shared/invoker';
import type { FormHelp } from '../shared/protocol';
import { applyPreset, placeholderValue, presetById, PRESETS, type Preset, type PresetPlaceholder } from '../shared/presets';

/** What "New Invoker" opens the form with once a preset and its placeholders are chosen. */
export interface PresetStart {
  readonly preset: Preset;
  readonly config: InvokerConfig;
  readonly help: FormHelp;
}

/** The generic preset: "Blank invoker", first in the list so that New Invoker + Enter is still a blank form. */
export const BLANK_PRESET_ID = 'generic';

/** A name not yet taken: the provider's label, then "Label 2", "Label 3"… (empty for the blank invoker). */
function suggestedName(preset: Preset, taken: readonly string[]): string {
  if (preset.id === BLANK_PRESET_ID) {
    return '';
  }
  let name = preset.label;
  for (let n = 2; taken.includes(name); n += 1) {
    name = `${preset.label} ${n}`;
  }
  return name;
}

/** The provider's notes for the form's info box. */
export function presetHelp(preset: Preset): FormHelp {
  return {
    title: preset.id === BLANK_PRESET_ID ? 'Any OAuth 2.0 server' : preset.label,
    text: preset.help,
    ...(preset.docs !== undefined ? { docs: preset.docs } : {}),
  };
}

/**
 * The form's starting point for a preset and the placeholder values typed (pure): what `applyPreset` fills, on top of
 * the defaults, with a free name. A placeholder still missing stays in braces in the URL, and the form says what is wrong.
 */
export function presetStart(preset: Preset, values: Readonly<Record<string, string | undefined>>, takenNames: readonly string[] = []): PresetStart {
  const fill = applyPreset(preset, values);
  const config: InvokerConfig = {
    ...DEFAULT_INVOKER,
    name: suggestedName(preset, takenNames),
    authorizationServerUrl: fill.authorizationServerUrl,
    issuer: fill.issuer ?? '',
    grantType: fill.grantType,
    credentialsInRequestBody: fill.credentialsInRequestBody,
    scope: fill.scope ?? DEFAULT_INVOKER.scope,
    extraParameters: fill.extraParameters,
    authorizationEndpointUrl: fill.authorizationEndpointUrl ?? '',
    deviceAuthorizationEndpointUrl: fill.deviceAuthorizationEndpointUrl ?? '',
    authorizationParameters: fill.authorizationParameters,
  };
  const help = presetHelp(preset);
  return { preset, config, help: fill.problems.length > 0 ? { ...help, text: `${fill.problems.join(' ')} ${help.text}` } : help };
}

/** The input box's check of one placeholder: the problem sentence, or undefined when the value is usable. */
export function placeholderProblem(placeholder: PresetPlaceholder, text: string): string | undefined {
  const checked = placeholderValue(placeholder, text);
  return 'problem' in checked ? checked.problem : undefined;
}

type PresetItem = vscode.QuickPickItem & { readonly preset?: Preset };

/** The quick pick's items: the blank invoker first, then the providers under a separator. */
export function presetItems(): PresetItem[] {
  const blank = presetById(BLANK_PRESET_ID);
  const providers = PRESETS.filter((preset) => preset.id !== BLANK_PRESET_ID);
  return [
    ...(blank !== undefined
      ? [{ label: '$(file) Blank invoker', description: 'Any OAuth 2.0 server: enter the token URL, or discover it from the issuer', preset: blank }]
      : []),
    { label: 'Provider presets', kind: vscode.QuickPickItemKind.Separator },
    ...providers.map((preset) => ({ label: preset.label, description: preset.description, preset })),
  ];
}

/** Asks for one placeholder; undefined when the user cancels (Escape). */
async function askPlaceholder(preset: Preset, placeholder: PresetPlaceholder, step: number, steps: number): Promise<string | undefined> {
  return vscode.window.showInputBox({
    title: `New Invoker: ${preset.label} (${step}/${steps})`,
    prompt: `${placeholder.label}: ${placeholder.help}`,
    placeHolder: `e.g. ${placeholder.example}`,
    value: placeholder.defaultValue ?? '',
    ignoreFocusOut: true,
    validateInput: (text) => placeholderProblem(placeholder, text),
  });
}

/**
 * "New Invoker": a preset from the quick pick (or the one given), then each of its placeholders not given yet in an
 * input box checked as typed. Undefined when the user cancels any step.
 */
export async function pickPreset(
  takenNames: readonly string[],
  given?: { readonly preset?: string; readonly values?: Readonly<Record<string, string>> },
): Promise<PresetStart | undefined> {
  let preset = given?.preset !== undefined ? presetById(given.preset) : undefined;
  if (preset === undefined) {
    const picked = await vscode.window.showQuickPick(presetItems(), {
      title: 'New OAuth2 Invoker',
      placeHolder: 'Start from a provider preset, or a blank invoker',
      matchOnDescription: true,
      // The first step of several (as in VS Code's multi-step sample): a webview taking focus as it loads (a form
      // restored after a reload) must not close it.
      ignoreFocusOut: true,
    });
    if (picked?.preset === undefined) {
      return undefined;
    }
    preset = picked.preset;
  }
  const values: Record<string, string> = {};
  const missing = preset.placeholders.filter((placeholder) => {
    const value = given?.values?.[placeholder.name];
    if (value !== undefined && placeholderProblem(placeholder, value) === undefined) {
      values[placeholder.name] = value;
      return false;
    }
    return true;
  });
  for (const [index, placeholder] of missing.entries()) {
    const value = await askPlaceholder(preset, placeholder, index + 1, missing.length);
    if (value === undefined) {
      return undefined;
    }
    values[placeholder.name] = value;
  }
  return presetStart(preset, values, takenNames);
}
