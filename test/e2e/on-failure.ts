import { join } from 'node:path';
import { beforeEach } from 'vitest';
import { shots } from './harness.ts';
import { browsers, closedPages, readPage, startRecording } from './page-record.ts';

/**
 * The e2e project's setup file: a failed test prints what its pages showed (page-record.ts), with
 * a screenshot of each page still open in test-results/failed-*.png.
 */

const slug = (name: string) =>
  name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, 60);

beforeEach(({ task, onTestFailed }) => {
  startRecording();
  onTestFailed(async () => {
    const said = closedPages();
    let n = 0;
    for (const browser of browsers)
      for (const context of browser.contexts())
        for (const page of context.pages())
          if (!page.isClosed())
            said.push(await readPage(page, 'open', join(shots, `failed-${slug(task.name)}-${++n}.png`)));
    console.error(
      `What the pages showed when "${task.name}" failed:\n${said.join('\n') || '(no page open)'}`,
    );
  });
});
