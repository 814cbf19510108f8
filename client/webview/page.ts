/** The panel's HTML: a strict Content Security Policy with a nonce, and no remote resources. */
export function panelHtml(opts: { cspSource: string; nonce: string; script: string; style: string }): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src ${opts.cspSource} data:; style-src ${opts.cspSource} 'unsafe-inline'; font-src ${opts.cspSource}; script-src 'nonce-${opts.nonce}';">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${opts.style}">
<title>dlnet training</title>
</head>
<body>
  <div id="untrusted" class="notice hidden"></div>
  <div class="header">
    <span id="title" class="title">No run yet</span>
    <span id="dataset" class="muted"></span>
    <span id="backend" class="muted"></span>
    <span id="status" class="muted"></span>
    <span id="epoch"></span>
    <span id="speed" class="muted"></span>
    <span id="time" class="muted"></span>
    <span class="buttons">
      <vscode-button id="pause" secondary disabled>Pause</vscode-button>
      <vscode-button id="stop" secondary disabled>Stop</vscode-button>
      <vscode-button id="again">Train again</vscode-button>
    </span>
  </div>
  <div id="backend-reason" class="muted"></div>
  <div id="advice"></div>
  <div class="progress-track"><div id="progress" class="progress" style="width: 0%"></div></div>
  <div id="errors"></div>
  <div id="saved"></div>
  <h2>Loss and metrics</h2>
  <div class="slider"><label for="smoothing">Smoothing</label><input id="smoothing" type="range" min="0" max="0.99" step="0.01" value="0.6"></div>
  <div id="charts" class="charts"></div>
  <section id="rep-section" class="hidden">
    <h2>Representations</h2>
    <div class="slider"><label for="rep-epoch">Epoch</label><input id="rep-epoch" type="range" min="0" max="0" step="1" value="0"><span id="rep-label" class="muted"></span></div>
    <div id="rep-legend" class="legend"></div>
    <div id="reps" class="reps"></div>
  </section>
  <section id="samples-section" class="hidden">
    <h2 id="samples-title">Generated samples</h2>
    <div id="samples"></div>
    <div id="samples-caption" class="muted"></div>
  </section>
  <section id="attention-section" class="hidden">
    <h2>Attention</h2>
    <div class="slider"><label for="attention-epoch">Epoch</label><input id="attention-epoch" type="range" min="0" max="0" step="1" value="0"><span id="attention-label" class="muted"></span></div>
    <div id="attention" class="reps"></div>
    <div id="attention-caption" class="muted"></div>
  </section>
  <section id="predictions-section" class="hidden">
    <h2>Texts validated on</h2>
    <div id="predictions"></div>
    <div id="predictions-caption" class="muted"></div>
    <div id="try" class="try hidden">
      <input id="try-text" type="text" maxlength="10000" placeholder="A text of your own, for the trained model" aria-label="A text for the trained model">
      <vscode-button id="try-ask" secondary>Ask the model</vscode-button>
    </div>
    <div id="try-answer"></div>
  </section>
  <section id="draw-section" class="hidden">
    <h2>Ask the model about a drawing</h2>
    <div class="draw">
      <canvas id="draw-canvas" width="224" height="224" aria-label="Draw a digit here for the trained model"></canvas>
      <div class="draw-side">
        <div><vscode-button id="draw-ask">Ask the model</vscode-button> <vscode-button id="draw-clear" secondary>Clear</vscode-button></div>
        <div id="draw-answer"></div>
        <img id="draw-seen" class="hidden" alt="The drawing as the model reads it">
      </div>
    </div>
    <div class="muted">Draw one figure, white on black as the data's are: the model reads it scaled into the middle of its input and centred by its mass, as MNIST's digits were (shown beside the answer).</div>
  </section>
  <section id="row-section" class="hidden">
    <h2>Ask the model about a row</h2>
    <div id="row-fields" class="row-fields"></div>
    <div><vscode-button id="row-ask">Ask the model</vscode-button></div>
    <div id="row-answer"></div>
    <div class="muted">A value for each feature column, as the table trained on has them: a number, or one of a column's texts (the label column is what the model answers).</div>
  </section>
  <section id="confusion-section" class="hidden">
    <h2 id="confusion-title">Confusion matrix</h2>
    <div id="confusion"></div>
  </section>
  <h2>Model</h2>
  <div id="summary"></div>
  <h2>Earlier runs of this file</h2>
  <div id="history"></div>
  <script nonce="${opts.nonce}" src="${opts.script}"></script>
</body>
</html>`;
}
