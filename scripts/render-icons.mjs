#!/usr/bin/env node
// Renders build/icons/icon.svg to the PNG sizes electron-builder and the Linux packages use (it
// derives .icns and .ico from icon.png). Run after editing the SVG: node scripts/render-icons.mjs
import { chromium } from 'playwright-core';
import { readFileSync } from 'node:fs';
const svg = readFileSync('build/icons/icon.svg', 'utf8');
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
const page = await browser.newPage({ viewport: { width: 1024, height: 1024 } });
await page.setContent(`<html><body style="margin:0;background:transparent">${svg}</body></html>`);
await page.screenshot({ path: 'build/icons/icon.png', omitBackground: true });
for (const size of [512, 256, 128, 64, 32, 16]) {
  await page.setViewportSize({ width: size, height: size });
  await page.setContent(
    `<html><body style="margin:0;background:transparent">${svg.replace('width="1024" height="1024"', `width="${size}" height="${size}"`)}</body></html>`,
  );
  await page.screenshot({ path: `build/icons/${size}x${size}.png`, omitBackground: true });
}
await browser.close();
