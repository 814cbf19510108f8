/** The Python with PyTorch the export tests run (see findPythonWithTorch). */
import { findPythonWithTorch } from '../../../runtime/export/pytorch/findPython';

export const python = findPythonWithTorch();

/** CI installs python3-torch, so there a missing PyTorch is a failure, not a skip. */
export const requirePython = process.env.CI === 'true' || process.env.DLNET_REQUIRE_TORCH === '1';
