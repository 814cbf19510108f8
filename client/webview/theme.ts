/** Colours from VS Code's theme variables, re-read when the theme changes (the body's class changes). */
const cssVar = (name: string, fallback: string) => getComputedStyle(document.body).getPropertyValue(name).trim() || fallback;

export interface Palette {
  foreground: string;
  muted: string;
  grid: string;
  series: string[];
  classes: string[];
}

export function palette(): Palette {
  const series = ['--vscode-charts-blue', '--vscode-charts-orange', '--vscode-charts-green', '--vscode-charts-red', '--vscode-charts-purple', '--vscode-charts-yellow']
    .map((v, i) => cssVar(v, ['#3794ff', '#d18616', '#89d185', '#f14c4c', '#b180d7', '#cca700'][i]));
  // Ten classes need more colours than the theme's six chart colours.
  const classes = [...series, '#4ec9b0', '#e07aa5', '#8a8a8a', '#5f9ea0'];
  return { foreground: cssVar('--vscode-foreground', '#cccccc'), muted: cssVar('--vscode-descriptionForeground', '#999999'), grid: cssVar('--vscode-panel-border', '#80808040'), series, classes };
}

export function onThemeChange(callback: () => void): void {
  new MutationObserver(callback).observe(document.body, { attributes: true, attributeFilter: ['class'] });
}
