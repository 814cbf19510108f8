/** Python sources ship inside the bundle as text (esbuild's text loader; a vite plugin in tests). */
declare module '*.py' {
  const text: string;
  export default text;
}
