"""torchrun, with a fix for Debian's python3-torch 1.13 on Python 3.11.

There `torchrun` fails before starting any worker ("AttributeError: 'NoneType' object
has no attribute 'get'"): Std.from_str looks the default "0" up by iterating the Std
flag, and Python 3.11 no longer yields a flag's zero member. PyTorch 2.x has no such
problem. Everything after the launcher (rendezvous, gloo, DistributedDataParallel) is
PyTorch's own.

  python3 torchrun.py --standalone --nproc_per_node 2 train.py ...
"""
import re
import sys

from torch.distributed.elastic.multiprocessing import api

_from_str = api.Std.from_str


def _fixed(vm):
    return api.Std(int(vm)) if re.fullmatch(r'\d', vm) else _from_str(vm)


api.Std.from_str = staticmethod(_fixed)

from torch.distributed.run import main  # noqa: E402

if __name__ == '__main__':
    sys.argv[0] = 'torchrun'
    main()
