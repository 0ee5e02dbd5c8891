import { AuthError } from './errors.js';

/**
 * The rule for one option: a test its value must pass when given, and what
 * the value must be, for the message.
 */
export type OptionRule = readonly [valid: (value: unknown) => boolean, expected: string];

/**
 * Check an options object the way every authbelt constructor does: it must
 * be an object (or `undefined`), every key must be one `rules` names, and
 * each value given (not `undefined`) must pass its rule. Otherwise
 * `ERR_INVALID_ARGUMENT` naming `owner` and the option, never its value
 * (an option may hold a secret). For schemes and adapters written on core, so
 * plain JavaScript callers hear about a typo at construction, not never.
 *
 * @example
 * ```ts
 * import { checkOptions } from '@authbelt/core';
 *
 * checkOptions('withAuth', { maxLegs: 3 }, {
 *   maxLegs: [(value) => Number.isInteger(value) && (value as number) >= 1, 'a positive integer'],
 * });
 * ```
 */
export function checkOptions(owner: string, options: unknown, rules: Readonly<Record<string, OptionRule>>): void {
  if (options === undefined) return;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new AuthError('ERR_INVALID_ARGUMENT', `${owner} options must be an object`);
  }
  for (const [name, value] of Object.entries(options)) {
    const rule = Object.hasOwn(rules, name) ? rules[name] : undefined;
    if (rule === undefined) {
      const known = Object.keys(rules).join(', ');
      throw new AuthError('ERR_INVALID_ARGUMENT', `${owner} has no option ${JSON.stringify(name)} (known: ${known})`);
    }
    if (value !== undefined && !rule[0](value)) {
      throw new AuthError('ERR_INVALID_ARGUMENT', `${owner} option ${name} must be ${rule[1]}`);
    }
  }
}

/** `maxLegs`: requests one exchange may send; at least 1 (the request itself). */
export const MAX_LEGS_RULE: OptionRule = [
  (value) => Number.isInteger(value) && (value as number) >= 1,
  'an integer of at least 1',
];
