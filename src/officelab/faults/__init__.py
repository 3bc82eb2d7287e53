"""Faults a trainer injects into a live lab, each made with the mechanism a real fault has (a cable pulled, a port
moved, a configuration changed, a process stopped, a rogue process started), each with its ground truth: the root
cause in words, where it is, the fix, and the derived checks it must make fail.

`model` holds what a fault type is; each trade domain declares its types in ``domains/<name>/faults.py``
(``catalogue()``); `engine` injects, lists, clears and draws them; `store` keeps the active faults in the lab's
state (root only), with what each changed so that clearing restores exactly what was there."""
