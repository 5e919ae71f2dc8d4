import { afterEach, describe, expect, it } from 'vitest';
import { EXAMPLE_BLOG, makeTempRepo, SMALL_REPO, type TempRepo } from './testing/fixtures.js';
import { NotFoundError } from './errors.js';
import { ContentValidationError, createReader } from './reader.js';

interface Post extends Record<string, unknown> {
  title: string;
  date: string;
  tags?: string[];
}

let repo: TempRepo | undefined;
afterEach(() => repo?.cleanup());

describe('createReader on examples/blog (no server, no git needed)', () => {
  const reader = createReader<{ posts: Post; authors: { name: string } }, { site: { title: string } }>(
    EXAMPLE_BLOG + '/content/posts',
  );

  it('finds the repository root from a folder inside it', async () => {
    expect(await reader.root).toBe(EXAMPLE_BLOG);
  });

  it('reads a collection sorted by the schema sort, typed', async () => {
    const posts = await reader.collection('posts').all();
    expect(posts).toHaveLength(7);
    expect(posts[0]!.slug).toBe('2026/year-in-review');
    const title: string = posts[0]!.data.title;
    expect(title).toBe('2026 in review');
    expect(posts.every((p) => typeof p.body === 'string')).toBe(true);
    expect(await reader.collection('authors').slugs()).toEqual(['ada', 'grace', 'linus']);
  });

  it('reads one entry, null for a missing one, and readOrThrow names what is missing', async () => {
    expect((await reader.collection('posts').read('guides/images'))!.data.tags).toEqual(['guide', 'media']);
    expect(await reader.collection('posts').read('nope')).toBeNull();
    await expect(reader.collection('posts').readOrThrow('nope')).rejects.toThrow(NotFoundError);
    await expect(reader.collection('posts').read('../secret')).rejects.toThrow(/Invalid entry id/);
  });

  it('reads a singleton', async () => {
    expect((await reader.singleton('site').readOrThrow()).data.title).toBe('Mimsy Example Blog');
    await expect(reader.collection('site' as 'posts').all()).rejects.toThrow(
      /use reader\.singleton\('site'\)/,
    );
  });
});

describe('front matter languages', () => {
  it('reads the same values from YAML, TOML and JSON front matter, dates as written or as Date', async () => {
    const yaml = '---\ntitle: Same\ndate: 2026-01-05T10:00:00Z\nauthor: ada\n---\nBody\n';
    const toml = '+++\ntitle = "Same"\ndate = 2026-01-05T10:00:00Z\nauthor = "ada"\n+++\nBody\n';
    const json = '{\n  "title": "Same",\n  "date": "2026-01-05T10:00:00Z",\n  "author": "ada"\n}\nBody\n';
    repo = makeTempRepo({
      files: {
        ...SMALL_REPO,
        'content/posts/a.md': yaml,
        'content/posts/b.md': toml,
        'content/posts/c.md': json,
      },
      commit: false,
    });
    const posts = createReader(repo.dir, { validate: 'off' }).collection('posts');
    const [a, b, c] = await Promise.all(['a', 'b', 'c'].map((slug) => posts.readOrThrow(slug)));
    expect(a!.data).toEqual({ title: 'Same', date: '2026-01-05T10:00:00Z', author: 'ada' });
    expect(b!.data).toEqual(a!.data);
    expect(c!.data).toEqual(a!.data);
    expect([a!.body, b!.body, c!.body]).toEqual(['Body\n', 'Body\n', 'Body\n']);

    const withDates = createReader(repo.dir, { validate: 'off', dates: 'date' }).collection('posts');
    const dated = await withDates.readOrThrow('b');
    expect(dated.data.date).toEqual(new Date('2026-01-05T10:00:00Z'));
    expect(dated.data.title).toBe('Same');
  });
});

describe('validation for site builds', () => {
  it('fails only the read of a schema that has problems; problems() lists all without throwing', async () => {
    repo = makeTempRepo({
      files: {
        ...SMALL_REPO,
        'content/authors/bad.json': '{"name": 5}',
        'content/authors/notes.txt': 'not an entry',
        'schemas/broken.json': '{ "kind": "collection", ',
      },
      commit: false,
    });
    const reader = createReader(repo.dir);
    await expect(reader.collection('posts').all()).resolves.not.toHaveLength(0);
    const error = (await reader
      .collection('authors')
      .all()
      .catch((e: unknown) => e)) as ContentValidationError;
    expect(error).toBeInstanceOf(ContentValidationError);
    expect(error.message).toMatch(/content\/authors\/bad\.json \/name/);
    await expect(reader.collection('broken').all()).rejects.toThrow(/schemas\/broken\.json/);
    const problems = await reader.problems();
    expect(problems.map((p) => p.path).sort()).toEqual(
      ['content/authors/bad.json', 'content/authors/notes.txt', 'schemas/broken.json'].sort(),
    );
  });

  it('fails the build with every problem listed (file and line)', async () => {
    repo = makeTempRepo({
      files: {
        ...SMALL_REPO,
        'content/posts/bad.md': '---\ntitle: 5\nauthor: nobody\n---\n',
        'content/posts/broken.md': '---\ntitle: [\n---\n',
      },
      commit: false,
    });
    const reader = createReader(repo.dir);
    const error = (await reader
      .collection('posts')
      .all()
      .catch((e: unknown) => e)) as ContentValidationError;
    expect(error).toBeInstanceOf(ContentValidationError);
    expect(error.message).toMatch(/content\/posts\/bad\.md \/title must be text/);
    expect(error.message).toMatch(/content\/posts\/bad\.md \/author points to authors\/nobody/);
    expect(error.message).toMatch(/content\/posts\/broken\.md:\d+ the front matter is not valid YAML/);
  });

  it("'skip' leaves invalid entries out, 'off' returns everything", async () => {
    repo = makeTempRepo({
      files: { ...SMALL_REPO, 'content/posts/bad.md': '---\ntitle: 5\n---\n' },
      commit: false,
    });
    expect(
      (await createReader(repo.dir, { validate: 'skip' }).collection('posts').all()).map((p) => p.slug),
    ).toEqual(['first']);
    expect(
      (await createReader(repo.dir, { validate: 'off' }).collection('posts').all()).map((p) => p.slug).sort(),
    ).toEqual(['bad', 'first']);
  });

  it('explains a folder that is not a content repository', async () => {
    repo = makeTempRepo();
    await expect(createReader(repo.dir).collection('posts').all()).rejects.toThrow(/No mimsy\.config\.json/);
  });
});
