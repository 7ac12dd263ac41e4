// A failed action in the window is shown to the user, not only logged: an action run through
// ActionErrors (what useAction hands components) that rejects puts its message in an alert the user
// can dismiss; the alert is rendered with the window's own component.
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { RpcCallError } from '../../../electron/common/rpc/errors.js';
import { ActionErrors } from '../../../renderer/src/app/actionErrors.js';
import { ActionErrorToasts } from '../../../renderer/src/components/ActionErrorToasts.js';

/** Lets the rejection handlers run. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('action errors', () => {
  it('shows a rejected action and its message in an alert', async () => {
    const errors = new ActionErrors();
    errors.run('Could not pause report.pdf', () =>
      Promise.reject(new RpcCallError({ code: 'failed', message: 'The transfer is already done.' })),
    );
    await settle();

    const html = renderToStaticMarkup(<ActionErrorToasts errors={errors} />);
    expect(html).toContain('role="alert"');
    expect(html).toContain('Could not pause report.pdf');
    expect(html).toContain('The transfer is already done.');
    expect(html).toContain('aria-label="Dismiss: Could not pause report.pdf"');
  });

  it('shows nothing for an action that succeeds', async () => {
    const errors = new ActionErrors();
    errors.run('Could not pause report.pdf', () => Promise.resolve({ ok: true }));
    await settle();
    expect(errors.current()).toEqual([]);
    expect(renderToStaticMarkup(<ActionErrorToasts errors={errors} />)).not.toContain('role="alert"');
  });

  it('reports an action that throws before it returns a promise', async () => {
    const errors = new ActionErrors();
    errors.run('Could not sign out', () => {
      throw new Error('not connected');
    });
    await settle();
    expect(errors.current().map((e) => [e.action, e.message])).toEqual([['Could not sign out', 'not connected']]);
  });

  it('dismisses one message, and Escape takes the newest first', async () => {
    const errors = new ActionErrors();
    let changes = 0;
    errors.subscribe(() => changes++);
    errors.report('Could not pause a', new Error('one'));
    errors.report('Could not pause b', new Error('two'));
    errors.report('Could not pause b', new Error('two')); // the same failure again shows once
    expect(errors.current().map((e) => e.message)).toEqual(['one', 'two']);

    errors.dismissNewest();
    expect(errors.current().map((e) => e.message)).toEqual(['one']);
    errors.dismiss(errors.current()[0]!.id);
    expect(errors.current()).toEqual([]);
    expect(changes).toBe(4);
  });

  it('keeps the three newest messages', () => {
    const errors = new ActionErrors();
    for (const n of [1, 2, 3, 4]) errors.report(`Could not pause ${n}`, new Error(`reason ${n}`));
    expect(errors.current().map((e) => e.message)).toEqual(['reason 2', 'reason 3', 'reason 4']);
  });
});
