import { afterEach, describe, expect, it } from 'vitest';
import { makeRepo, type TempRepo } from '../workspaces/testing/temp-repo.ts';
import { formsOf, scanForSecrets } from './secret-scan.ts';

// The scan before a push, on real git: what it reads of a branch's commits, and what it finds.
const KEY = 'sk-live-4f1e9a7c2b8d6e30';
const held = [{ name: 'secret "openai.key"', value: KEY }];
let repo: TempRepo | undefined;
afterEach(() => {
  repo?.cleanup();
  repo = undefined;
});

describe('scanForSecrets', () => {
  it('a merge’s own lines count; what it brings from a parent does not', async () => {
    repo = makeRepo({ 'README.md': '# r\n' });
    repo.git(['checkout', '-q', '-b', 'dep']);
    repo.write('dep.txt', 'dependency work\n');
    repo.commitAll('dep');
    repo.git(['checkout', '-q', 'main']);
    repo.write('onbase.txt', `${KEY}\n`);
    repo.commitAll('on the base, pushed long ago');
    repo.git(['checkout', '-q', '-b', 'task', 'dep']);
    repo.git(['merge', '-q', '--no-edit', 'main']);
    const clean = repo.git(['rev-parse', 'HEAD']).trim();
    expect(await scanForSecrets({ repo: repo.repo, commit: clean, known: ['main'], secrets: held })).toEqual(
      [],
    );
    // A merge that adds a line of its own (neither parent has it).
    repo.git(['checkout', '-q', '-b', 'evil', 'dep']);
    repo.git(['merge', '-q', '--no-commit', '--no-ff', 'main']);
    repo.write('dep.txt', `dependency work\ntoken=${KEY}\n`);
    repo.git(['add', '-A']);
    repo.git(['commit', '-q', '--no-edit']);
    const evil = repo.git(['rev-parse', 'HEAD']).trim();
    expect(await scanForSecrets({ repo: repo.repo, commit: evil, known: ['main'], secrets: held })).toEqual([
      { name: 'secret "openai.key"', file: 'dep.txt', commit: evil.slice(0, 12) },
    ]);
  });

  it('finds a value in a line of several megabytes, wherever it falls, and a file name as git prints it', async () => {
    repo = makeRepo({ 'README.md': '# r\n' });
    for (const at of [0, 1024 * 1024 - 10, 3 * 1024 * 1024 + 7]) {
      const line = `${'x'.repeat(at)}${KEY}${'y'.repeat(1024)}`;
      repo.write(`min ${at}.js`, `${line}${'z'.repeat(4 * 1024 * 1024 - line.length)}`);
    }
    const tip = repo.commitAll('minified');
    const hits = await scanForSecrets({ repo: repo.repo, commit: tip, known: [], secrets: held });
    expect(hits.map((h) => h.file).sort()).toEqual(['min 0.js', 'min 1048566.js', 'min 3145735.js']);
  });

  it("finds a value in what else a push publishes: a new file's name, a rename's, a commit's message and author", async () => {
    // An empty new file has no added line, so no line of the diff held its name.
    repo = makeRepo({ 'README.md': '# r\n', 'old.txt': 'old\n' });
    const base = repo.git(['rev-parse', 'HEAD']).trim();
    repo.write(`leak-${KEY}.txt`, '');
    const named = repo.commitAll('an empty file');
    repo.git(['mv', 'old.txt', `moved-${KEY}.txt`]);
    const moved = repo.commitAll('a rename');
    repo.write('note.txt', 'nothing here\n');
    repo.git(['add', '-A']);
    repo.git(['commit', '-q', '-m', 'harmless', `--author=${KEY} <dev@example.com>`]);
    const author = repo.git(['rev-parse', 'HEAD']).trim();
    repo.write('note.txt', 'still nothing\n');
    const said = repo.commitAll(`deploy with ${KEY}`);
    // Each commit alone (the one before it pushed already): where its value is said to be.
    const where = async (c: string) => {
      const hits = await scanForSecrets({ repo: repo!.repo, commit: c, known: [`${c}^`], secrets: held });
      expect(hits.every((h) => h.commit === c.slice(0, 12))).toBe(true);
      // Never the value itself, in a name it would be said with.
      expect(JSON.stringify(hits)).not.toContain(KEY);
      return hits.map((h) => h.file);
    };
    expect(await where(named)).toEqual(['a file name']);
    expect(await where(moved)).toEqual(['a file name']);
    expect(await where(author)).toEqual(['its commit message, author or committer']);
    expect(await where(said)).toEqual(['its commit message, author or committer']);
    expect(
      await scanForSecrets({ repo: repo.repo, commit: said, known: [base], secrets: held }),
    ).toHaveLength(2);
    // What the remote has already is not read again.
    expect(await scanForSecrets({ repo: repo.repo, commit: said, known: [said], secrets: held })).toEqual([]);
  });

  it('does not say the name of a file that holds a value in its name and its lines', async () => {
    repo = makeRepo({ 'README.md': '# r\n' });
    const base = repo.git(['rev-parse', 'HEAD']).trim();
    repo.write(`${KEY}.env`, `KEY=${KEY}\n`);
    const tip = repo.commitAll('both');
    const hits = await scanForSecrets({ repo: repo.repo, commit: tip, known: [base], secrets: held });
    expect(hits.map((h) => h.file).sort()).toEqual(['a file name', 'a file whose name holds it']);
  });

  it('looks for each value as it is, URL-encoded and in base64 at every alignment', () => {
    const forms = formsOf('pa$$word/x+y').map((f) => f.form);
    expect(forms).toContain('pa$$word/x+y');
    expect(forms).toContain('pa%24%24word%2Fx%2By');
    for (const prefix of ['', 'a', 'ab', 'abc'])
      expect(forms.some((f) => Buffer.from(`${prefix}pa$$word/x+y!`).toString('base64').includes(f))).toBe(
        true,
      );
  });
});
