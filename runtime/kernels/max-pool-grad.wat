;; MaxPoolGrad over NHWC float32 tensors in tfjs's wasm memory, four channels at a time
;; with SIMD (runtime/kernels/max-pool-grad.ts calls it when the depth is a multiple of 4).
;; The same arithmetic as the JavaScript loop there: each window's first maximum in
;; row-major order (f32x4.gt is strict), NaN never a maximum, a window of -Infinity or NaN
;; only gets no gradient; overlapping windows add up.
;; Compiled to max-pool-grad-binary.ts by `node scripts/wat.mjs` (a test checks they agree).
(module
  (import "env" "memory" (memory 0))
  (func (export "maxPoolGrad")
    ;; byte offsets of the input, dy and the output; then the shapes
    (param $x i32) (param $dy i32) (param $out i32)
    (param $batch i32) (param $inH i32) (param $inW i32) (param $depth i32)
    (param $outH i32) (param $outW i32) (param $fh i32) (param $fw i32)
    (param $sh i32) (param $sw i32) (param $padTop i32) (param $padLeft i32)
    (local $b i32) (local $yr i32) (local $yc i32) (local $top i32) (local $left i32)
    (local $r0 i32) (local $r1 i32) (local $c0 i32) (local $c1 i32)
    (local $r i32) (local $c i32) (local $d i32) (local $o i32) (local $idx i32) (local $p i32)
    (local $best v128) (local $at v128) (local $v v128) (local $gt v128)
    (memory.fill (local.get $out) (i32.const 0)
      (i32.shl (i32.mul (i32.mul (i32.mul (local.get $batch) (local.get $inH)) (local.get $inW)) (local.get $depth)) (i32.const 2)))
    (local.set $b (i32.const 0))
    (block $bDone (loop $bLoop
      (br_if $bDone (i32.ge_s (local.get $b) (local.get $batch)))
      (local.set $yr (i32.const 0))
      (block $yrDone (loop $yrLoop
        (br_if $yrDone (i32.ge_s (local.get $yr) (local.get $outH)))
        (local.set $top (i32.sub (i32.mul (local.get $yr) (local.get $sh)) (local.get $padTop)))
        (local.set $r0 (select (local.get $top) (i32.const 0) (i32.gt_s (local.get $top) (i32.const 0))))
        (local.set $r1 (i32.add (local.get $top) (local.get $fh)))
        (local.set $r1 (select (local.get $inH) (local.get $r1) (i32.gt_s (local.get $r1) (local.get $inH))))
        (local.set $yc (i32.const 0))
        (block $ycDone (loop $ycLoop
          (br_if $ycDone (i32.ge_s (local.get $yc) (local.get $outW)))
          (local.set $left (i32.sub (i32.mul (local.get $yc) (local.get $sw)) (local.get $padLeft)))
          (local.set $c0 (select (local.get $left) (i32.const 0) (i32.gt_s (local.get $left) (i32.const 0))))
          (local.set $c1 (i32.add (local.get $left) (local.get $fw)))
          (local.set $c1 (select (local.get $inW) (local.get $c1) (i32.gt_s (local.get $c1) (local.get $inW))))
          ;; o: this output pixel's first channel in dy
          (local.set $o (i32.mul (i32.add (i32.mul (i32.add (i32.mul (local.get $b) (local.get $outH)) (local.get $yr)) (local.get $outW)) (local.get $yc)) (local.get $depth)))
          (local.set $d (i32.const 0))
          (block $dDone (loop $dLoop
            (br_if $dDone (i32.ge_s (local.get $d) (local.get $depth)))
            (local.set $best (f32x4.splat (f32.const -inf)))
            (local.set $at (i32x4.splat (i32.const -1)))
            (local.set $r (local.get $r0))
            (block $rDone (loop $rLoop
              (br_if $rDone (i32.ge_s (local.get $r) (local.get $r1)))
              (local.set $c (local.get $c0))
              (block $cDone (loop $cLoop
                (br_if $cDone (i32.ge_s (local.get $c) (local.get $c1)))
                ;; idx: element index of x at (b, r, c, d)
                (local.set $idx (i32.add (i32.mul (i32.add (i32.mul (i32.add (i32.mul (local.get $b) (local.get $inH)) (local.get $r)) (local.get $inW)) (local.get $c)) (local.get $depth)) (local.get $d)))
                (local.set $v (v128.load (i32.add (local.get $x) (i32.shl (local.get $idx) (i32.const 2)))))
                (local.set $gt (f32x4.gt (local.get $v) (local.get $best)))
                (local.set $best (v128.bitselect (local.get $v) (local.get $best) (local.get $gt)))
                (local.set $at (v128.bitselect (i32x4.add (i32x4.splat (local.get $idx)) (v128.const i32x4 0 1 2 3)) (local.get $at) (local.get $gt)))
                (local.set $c (i32.add (local.get $c) (i32.const 1)))
                (br $cLoop)))
              (local.set $r (i32.add (local.get $r) (i32.const 1)))
              (br $rLoop)))
            ;; out[at[k]] += dy[o + d + k] for the four lanes that found a maximum
            (local.set $p (i32x4.extract_lane 0 (local.get $at)))
            (if (i32.ge_s (local.get $p) (i32.const 0)) (then (call $add (local.get $out) (local.get $p) (local.get $dy) (i32.add (local.get $o) (local.get $d)))))
            (local.set $p (i32x4.extract_lane 1 (local.get $at)))
            (if (i32.ge_s (local.get $p) (i32.const 0)) (then (call $add (local.get $out) (local.get $p) (local.get $dy) (i32.add (i32.add (local.get $o) (local.get $d)) (i32.const 1)))))
            (local.set $p (i32x4.extract_lane 2 (local.get $at)))
            (if (i32.ge_s (local.get $p) (i32.const 0)) (then (call $add (local.get $out) (local.get $p) (local.get $dy) (i32.add (i32.add (local.get $o) (local.get $d)) (i32.const 2)))))
            (local.set $p (i32x4.extract_lane 3 (local.get $at)))
            (if (i32.ge_s (local.get $p) (i32.const 0)) (then (call $add (local.get $out) (local.get $p) (local.get $dy) (i32.add (i32.add (local.get $o) (local.get $d)) (i32.const 3)))))
            (local.set $d (i32.add (local.get $d) (i32.const 4)))
            (br $dLoop)))
          (local.set $yc (i32.add (local.get $yc) (i32.const 1)))
          (br $ycLoop)))
        (local.set $yr (i32.add (local.get $yr) (i32.const 1)))
        (br $yrLoop)))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br $bLoop)))
  )
  ;; out[p] += dy[q] (element indices)
  (func $add (param $out i32) (param $p i32) (param $dy i32) (param $q i32)
    (local $a i32)
    (local.set $a (i32.add (local.get $out) (i32.shl (local.get $p) (i32.const 2))))
    (f32.store (local.get $a) (f32.add (f32.load (local.get $a)) (f32.load (i32.add (local.get $dy) (i32.shl (local.get $q) (i32.const 2)))))))
)
