// The content lives in a Mimsy repository (MIMSY_CONTENT, default ../blog): Eleventy renders the
// pages from the reader's entries, and never the content files themselves.
export default function (eleventyConfig) {
  eleventyConfig.addFilter('date', (value) => String(value).slice(0, 10));
  return { dir: { input: 'src', output: '_site' } };
}
