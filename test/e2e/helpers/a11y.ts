// Accessibility checks shared by the browser tests: axe-core's WCAG 2.1 A/AA rules run on the page as it
// is, in light and in dark, and what "visibly focused" means for a control.
import { AxeBuilder } from '@axe-core/playwright';
import { mkdir } from 'node:fs/promises';
import type { Page } from 'playwright-core';

const wcag21 = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/** Screenshots for people to look at; test-results/ is not committed. */
export const screenshotDir = 'test-results/screenshots';

/** One line per violated rule and element, so a failing test says what to fix and where. */
async function violations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).withTags(wcag21).analyze();
  return result.violations.flatMap((v) =>
    v.nodes.map(
      (n) =>
        `${v.id} (${v.impact ?? 'n/a'}): ${n.target.join(' ')} — ${n.failureSummary?.replace(/\s+/g, ' ') ?? v.help}`,
    ),
  );
}

/**
 * The WCAG 2.1 A/AA violations axe finds in the page in the light and in the dark colour scheme, each
 * prefixed with the scheme and `where` (what state the page shows). Empty when there are none. The
 * page is left in the light scheme.
 */
export async function axeViolations(page: Page, where: string): Promise<string[]> {
  const found: string[] = [];
  // Reduced motion while checking: colours are read at once after the switch, not halfway through a
  // transition from the other scheme's.
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme, reducedMotion: 'reduce' });
    for (const v of await violations(page)) found.push(`${where}, ${colorScheme}: ${v}`);
  }
  await page.emulateMedia({ colorScheme: 'light', reducedMotion: 'no-preference' });
  return found;
}

/** What the focused element is and whether a focus indicator is drawn around it. */
export interface FocusInfo {
  /** The focused element's accessible-ish name: aria-label, else its text; 'BODY' when nothing is focused. */
  name: string;
  tag: string;
  role: string | null;
  /** An outline or a box-shadow is drawn for the focus. */
  visible: boolean;
}

// Page-side scripts are strings: this project's Node code is compiled without the DOM's types.
const focusScript = `(() => {
  const el = document.activeElement;
  if (!el || el === document.body) return { name: 'BODY', tag: 'BODY', role: null, visible: false };
  const style = getComputedStyle(el);
  const outlined = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
  const shadowed = style.boxShadow !== 'none' && style.boxShadow !== '';
  const label = el.getAttribute('aria-label') ?? (el.labels && el.labels[0] ? (el.labels[0].querySelector('span') ?? el.labels[0]).textContent : null) ?? el.textContent ?? '';
  return { name: label.trim(), tag: el.tagName, role: el.getAttribute('role'), visible: outlined || shadowed };
})()`;

export function focusInfo(page: Page): Promise<FocusInfo> {
  return page.evaluate<FocusInfo>(focusScript);
}

/** Elements with a transition or an animation that takes time, under the current media settings. */
export function movingElements(page: Page): Promise<number> {
  return page.evaluate<number>(`[...document.querySelectorAll('*')].filter((el) => {
    const s = getComputedStyle(el);
    const busy = (durations) => durations.split(',').some((d) => parseFloat(d) > 0);
    return busy(s.transitionDuration) || (s.animationName !== 'none' && busy(s.animationDuration));
  }).length`);
}

/**
 * Starts recording every text the element matching `selector` shows, in order; `recorded` reads them
 * back (empty texts left out).
 */
export async function recordTexts(page: Page, selector: string): Promise<() => Promise<string[]>> {
  await page.evaluate(`(() => {
    const region = document.querySelector(${JSON.stringify(selector)});
    const seen = [];
    window.recordedTexts = seen;
    new MutationObserver(() => seen.push(region.textContent ?? '')).observe(region, { childList: true, characterData: true, subtree: true });
  })()`);
  return () => page.evaluate<string[]>('window.recordedTexts.filter(Boolean)');
}

/** A screenshot with transitions off, so a scheme just switched is drawn in its own colours. */
export async function saveScreenshot(page: Page, name: string): Promise<void> {
  await mkdir(screenshotDir, { recursive: true });
  await page.emulateMedia({ reducedMotion: 'reduce' });
  await page.screenshot({ path: `${screenshotDir}/${name}.png` });
  await page.emulateMedia({ reducedMotion: 'no-preference' });
}
