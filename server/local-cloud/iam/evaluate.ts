// IAM policy evaluation (identity policies only), as AWS documents it: default deny, a matching explicit
// Deny wins, otherwise a matching Allow. Actions match case-insensitively with `*`/`?`; resources match
// case-sensitively, ARN segment by ARN segment, after `${…}` policy variables are substituted (only in
// policies with Version 2012-10-17). An unset variable makes the pattern match nothing; in a NotResource,
// where matching nothing would mean applying to everything, it fails closed instead: the statement grants
// nothing and still denies. Conditions are not
// modelled: a statement with a Condition never grants (Allow ignored) and always restricts (Deny applies),
// so an unsupported policy fails closed.

export type Decision = 'allow' | 'deny';

export interface RequestContext {
  action: string; // e.g. s3:PutObject
  resource: string; // e.g. arn:aws:s3:::bucket/key
  /** Policy variables by name, e.g. {'cognito-identity.amazonaws.com:sub': identityId}. */
  variables?: Record<string, string | undefined>;
}

interface Statement {
  Effect?: unknown;
  Action?: unknown;
  NotAction?: unknown;
  Resource?: unknown;
  NotResource?: unknown;
  Condition?: unknown;
}

export function evaluate(policy: unknown, context: RequestContext): Decision {
  const document = (typeof policy === 'object' && policy !== null ? policy : {}) as {
    Version?: unknown;
    Statement?: unknown;
  };
  const withVariables = document.Version === '2012-10-17';
  const statements = (Array.isArray(document.Statement) ? document.Statement : [document.Statement]).filter(
    (s): s is Statement => typeof s === 'object' && s !== null,
  );
  let allowed = false;
  for (const statement of statements) {
    const effect = statement.Effect;
    if (effect !== 'Allow' && effect !== 'Deny') continue;
    if (!statementMatches(statement, context, withVariables)) continue;
    if (effect === 'Deny') return 'deny';
    if (statement.Condition === undefined) allowed = true;
  }
  return allowed ? 'allow' : 'deny';
}

/** Shorthand: true when the policy allows the action on the resource. */
export function isAllowed(policy: unknown, context: RequestContext): boolean {
  return evaluate(policy, context) === 'allow';
}

function statementMatches(statement: Statement, context: RequestContext, withVariables: boolean): boolean {
  const actionOk =
    statement.Action !== undefined
      ? anyPattern(statement.Action, (p) => matchAction(p, context.action))
      : statement.NotAction !== undefined
        ? !anyPattern(statement.NotAction, (p) => matchAction(p, context.action))
        : false;
  if (!actionOk) return false;
  const resourceMatch = (p: string): boolean =>
    matchResource(p, context.resource, withVariables ? (context.variables ?? {}) : undefined);
  if (statement.Resource !== undefined) return anyPattern(statement.Resource, resourceMatch);
  if (statement.NotResource !== undefined) {
    if (withVariables && anyPattern(statement.NotResource, (p) => substitute(p, context.variables ?? {}) === undefined))
      return statement.Effect === 'Deny';
    return !anyPattern(statement.NotResource, resourceMatch);
  }
  return false;
}

function anyPattern(value: unknown, test: (pattern: string) => boolean): boolean {
  const list = Array.isArray(value) ? value : [value];
  return list.some((p) => typeof p === 'string' && test(p));
}

export function matchAction(pattern: string, action: string): boolean {
  return globToRegex(literalTokens(pattern), 'i').test(action);
}

/** Matches one Resource pattern; `variables` undefined = no substitution (pre-2012 policy). */
export function matchResource(
  pattern: string,
  resource: string,
  variables?: Record<string, string | undefined>,
): boolean {
  const tokens = variables ? substitute(pattern, variables) : literalTokens(pattern);
  if (!tokens) return false; // an unset variable: matches nothing
  if (tokens.length === 1 && tokens[0]?.kind === 'wild' && tokens[0].char === '*') return true; // "*" = any resource
  // ARNs match segment by segment (arn:partition:service:region:account:resource); the resource part may
  // itself contain colons, so only the first five are split.
  const patternSegments = splitTokens(tokens);
  const resourceSegments = splitArn(resource);
  if (patternSegments.length !== resourceSegments.length) return false;
  return patternSegments.every((segment, i) => globToRegex(segment, '').test(resourceSegments[i] ?? ''));
}

type Token = { kind: 'lit'; char: string } | { kind: 'wild'; char: '*' | '?' };

function literalTokens(pattern: string): Token[] {
  return [...pattern].map((char) => (char === '*' || char === '?' ? { kind: 'wild', char } : { kind: 'lit', char }));
}

/** Expands `${name}`, `${name, 'default'}` and the escapes `${*}` `${?}` `${$}` into tokens. */
function substitute(pattern: string, variables: Record<string, string | undefined>): Token[] | undefined {
  const tokens: Token[] = [];
  let i = 0;
  while (i < pattern.length) {
    if (pattern.startsWith('${', i)) {
      const close = pattern.indexOf('}', i + 2);
      if (close !== -1) {
        const inner = pattern.slice(i + 2, close);
        i = close + 1;
        if (inner === '*' || inner === '?' || inner === '$') {
          tokens.push({ kind: 'lit', char: inner });
          continue;
        }
        const defaultMatch = /^\s*([^,\s]+)\s*,\s*'([^']*)'\s*$/.exec(inner);
        const name = defaultMatch ? (defaultMatch[1] ?? '') : inner.trim();
        const value = variables[name] ?? defaultMatch?.[2];
        if (value === undefined) return undefined;
        for (const char of value) tokens.push({ kind: 'lit', char }); // a value's `*` is literal
        continue;
      }
    }
    const char = pattern[i] ?? '';
    tokens.push(char === '*' || char === '?' ? { kind: 'wild', char } : { kind: 'lit', char });
    i += char.length;
  }
  return tokens;
}

function splitTokens(tokens: Token[]): Token[][] {
  const segments: Token[][] = [[]];
  for (const token of tokens) {
    if (token.kind === 'lit' && token.char === ':' && segments.length < 6) segments.push([]);
    else segments[segments.length - 1]?.push(token);
  }
  return segments;
}

function splitArn(resource: string): string[] {
  const parts = resource.split(':');
  return parts.length <= 6 ? parts : [...parts.slice(0, 5), parts.slice(5).join(':')];
}

/** Compiled patterns by source: a policy has a handful, evaluated on every request. */
const compiled = new Map<string, RegExp>();
const MAX_COMPILED = 1000;

function globToRegex(tokens: Token[], flags: string): RegExp {
  let source = '';
  for (const token of tokens) {
    if (token.kind === 'wild') source += token.char === '*' ? '[\\s\\S]*' : '[\\s\\S]';
    else source += token.char.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  const key = `${flags}/${source}`;
  let regex = compiled.get(key);
  if (!regex) {
    if (compiled.size >= MAX_COMPILED) compiled.clear(); // substituted patterns (one per identity) must not pile up
    regex = new RegExp(`^${source}$`, `${flags}u`);
    compiled.set(key, regex);
  }
  return regex;
}
