"""Reference gradient of the digits CNN's mean cross-entropy over a batch, written in numpy (float64).

Independent of Edgewise's training code: the convolution is an einsum over sliding windows, its
backward the transposed einsums plus a scatter-add, max pooling a reshape, and the loss the usual
softmax cross-entropy. Architecture (see Sources/EdgeOptimize/Train/DigitsCNN.swift): conv 3x3 pad 1
-> relu -> maxpool 2 -> conv 3x3 pad 1 -> relu -> maxpool 2 -> flatten -> gemm (transB) -> softmax.

stdin: {"params": {name: [values...]}, "x": [B*64 values], "y": [B labels]}
stdout: {"loss": mean loss, "grads": {name: [values...]}}
"""
import json, sys
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

req = json.load(sys.stdin)
p = {k: np.array(v, dtype=np.float64) for k, v in req["params"].items()}
w1, b1 = p["conv1.weight"].reshape(8, 1, 3, 3), p["conv1.bias"]
w2, b2 = p["conv2.weight"].reshape(16, 8, 3, 3), p["conv2.bias"]
wf, bf = p["fc.weight"].reshape(10, 64), p["fc.bias"]
y = np.array(req["y"])
x = np.array(req["x"], dtype=np.float64).reshape(len(y), 1, 8, 8)

def conv(x, w, b):
    cols = sliding_window_view(np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1))), (3, 3), axis=(2, 3))
    return np.einsum("nchwyx,ocyx->nohw", cols, w) + b[None, :, None, None], cols

def conv_back(dy, cols, w, shape):
    dw = np.einsum("nohw,nchwyx->ocyx", dy, cols)
    dcols = np.einsum("nohw,ocyx->nchwyx", dy, w)
    n, c, h, wd = shape
    dxp = np.zeros((n, c, h + 2, wd + 2))
    for ky in range(3):
        for kx in range(3):
            dxp[:, :, ky:ky + h, kx:kx + wd] += dcols[..., ky, kx]
    return dw, dy.sum(axis=(0, 2, 3)), dxp[:, :, 1:-1, 1:-1]

def pool(a):
    n, c, h, w = a.shape
    r = a.reshape(n, c, h // 2, 2, w // 2, 2)
    m = r.max(axis=(3, 5))
    return m, r

def pool_back(dm, r, m):
    mask = (r == m[:, :, :, None, :, None]).astype(np.float64)
    return (mask * dm[:, :, :, None, :, None]).reshape(r.shape[0], r.shape[1], r.shape[2] * 2, r.shape[4] * 2)

z1, c1 = conv(x, w1, b1); a1 = np.maximum(z1, 0); m1, r1 = pool(a1)
z2, c2 = conv(m1, w2, b2); a2 = np.maximum(z2, 0); m2, r2 = pool(a2)
h = m2.reshape(len(y), 64)
logits = h @ wf.T + bf
e = np.exp(logits - logits.max(axis=1, keepdims=True))
prob = e / e.sum(axis=1, keepdims=True)
loss = float(-np.log(prob[np.arange(len(y)), y]).mean())
dl = prob.copy(); dl[np.arange(len(y)), y] -= 1; dl /= len(y)
dwf, dbf, dh = dl.T @ h, dl.sum(axis=0), dl @ wf
dz2 = pool_back(dh.reshape(m2.shape), r2, m2) * (z2 > 0)
dw2, db2, dm1 = conv_back(dz2, c2, w2, m1.shape)
dz1 = pool_back(dm1, r1, m1) * (z1 > 0)
dw1, db1, _ = conv_back(dz1, c1, w1, x.shape)
print(json.dumps({"loss": loss, "grads": {"conv1.weight": dw1.ravel().tolist(), "conv1.bias": db1.tolist(),
                                          "conv2.weight": dw2.ravel().tolist(), "conv2.bias": db2.tolist(),
                                          "fc.weight": dwf.ravel().tolist(), "fc.bias": dbf.tolist()}}))
