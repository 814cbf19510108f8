;; Per-channel bias add and its gradient for NHWC float32 tensors in tfjs's wasm memory,
;; four channels at a time with SIMD (runtime/kernels/channels.ts calls them when the
;; channel count is a multiple of 4). tfjs's wasm kernels compute these as general
;; broadcasts: 0.53-0.60 ms for a [64, 26, 26, 8] tensor, where its ReLU takes 0.045.
;; Compiled to channels-binary.ts by `node scripts/wat.mjs` (a test checks they agree).
(module
  (import "env" "memory" (memory 0))
  ;; out[r, c] = x[r, c] + bias[c] for r < rows, c < channels (byte offsets)
  (func (export "addBias") (param $x i32) (param $bias i32) (param $out i32) (param $rows i32) (param $channels i32)
    (local $r i32) (local $c i32) (local $row i32)
    (block $rDone (loop $rLoop
      (br_if $rDone (i32.ge_s (local.get $r) (local.get $rows)))
      (local.set $row (i32.shl (i32.mul (local.get $r) (local.get $channels)) (i32.const 2)))
      (local.set $c (i32.const 0))
      (block $cDone (loop $cLoop
        (br_if $cDone (i32.ge_s (local.get $c) (local.get $channels)))
        (v128.store (i32.add (local.get $out) (i32.add (local.get $row) (i32.shl (local.get $c) (i32.const 2))))
          (f32x4.add
            (v128.load (i32.add (local.get $x) (i32.add (local.get $row) (i32.shl (local.get $c) (i32.const 2)))))
            (v128.load (i32.add (local.get $bias) (i32.shl (local.get $c) (i32.const 2))))))
        (local.set $c (i32.add (local.get $c) (i32.const 4)))
        (br $cLoop)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $rLoop)))
  )
  ;; out[c] = the sum over r < rows of x[r, c], accumulated in doubles (then rounded to float)
  ;; for each group of four channels in turn.
  (func (export "sumRows") (param $x i32) (param $out i32) (param $rows i32) (param $channels i32)
    (local $r i32) (local $c i32) (local $at i32) (local $stride i32) (local $v v128) (local $low v128) (local $high v128)
    (local.set $stride (i32.shl (local.get $channels) (i32.const 2)))
    (block $cDone (loop $cLoop
      (br_if $cDone (i32.ge_s (local.get $c) (local.get $channels)))
      (local.set $low (f64x2.splat (f64.const 0)))
      (local.set $high (f64x2.splat (f64.const 0)))
      (local.set $at (i32.add (local.get $x) (i32.shl (local.get $c) (i32.const 2))))
      (local.set $r (i32.const 0))
      (block $rDone (loop $rLoop
        (br_if $rDone (i32.ge_s (local.get $r) (local.get $rows)))
        (local.set $v (v128.load (local.get $at)))
        (local.set $low (f64x2.add (local.get $low) (f64x2.promote_low_f32x4 (local.get $v))))
        (local.set $high (f64x2.add (local.get $high) (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v)))))
        (local.set $at (i32.add (local.get $at) (local.get $stride)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rLoop)))
      (v128.store (i32.add (local.get $out) (i32.shl (local.get $c) (i32.const 2)))
        (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
          (f32x4.demote_f64x2_zero (local.get $low))
          (f32x4.demote_f64x2_zero (local.get $high))))
      (local.set $c (i32.add (local.get $c) (i32.const 4)))
      (br $cLoop)))
  )
)
