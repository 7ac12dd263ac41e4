import { describe, expect, it } from 'vitest';
import { RequestBudget } from '../../../../electron/engine/transfers/budget.js';

describe('request budget', () => {
  it('hands out at most `limit` slots, first come first served, and follows a changed limit', async () => {
    let limit = 2;
    const budget = new RequestBudget(() => limit);
    const order: string[] = [];
    const a = await budget.acquire();
    await budget.acquire();
    const c = budget.acquire().then((release) => (order.push('c'), release));
    const d = budget.acquire().then((release) => (order.push('d'), release));
    await Promise.resolve();
    expect(budget.active).toBe(2);
    expect(order).toEqual([]);
    a();
    a(); // releasing twice frees one slot only
    const releaseC = await c;
    expect(order).toEqual(['c']);
    expect(budget.active).toBe(2);
    limit = 3;
    budget.pump();
    await d;
    expect(order).toEqual(['c', 'd']);
    expect(budget.active).toBe(3);
    releaseC();
    expect(budget.active).toBe(2);
  });

  it('a waiter whose signal aborts leaves the line without taking a slot', async () => {
    const budget = new RequestBudget(() => 1);
    const release = await budget.acquire();
    const controller = new AbortController();
    const waiting = budget.acquire(controller.signal);
    controller.abort(new Error('paused'));
    await expect(waiting).rejects.toThrow('paused');
    release();
    expect(budget.active).toBe(0);
    const again = await budget.acquire();
    expect(budget.active).toBe(1);
    again();
  });
});
