"""Builds Magika's labelled file corpus from the fetched wheels and runs Magika with onnxruntime.

Files inside the wheels are labelled by extension (models.md §4: 18 classes), up to 40 per class,
sampled with random.seed(0). Features follow Magika 1.0.3's config (beg/end 1024 bytes of the first/last
4096, ASCII whitespace stripped, padding token 256). stdin: {"cache": dir, "out": dir}.
stdout: {"features": npy, "truth": [...], "ort_top1": [...], "labels": [...]}.
"""
import glob, json, os, random, sys, zipfile
import numpy as np
import onnxruntime as ort

req = json.load(sys.stdin)
cache, out = req["cache"], req["out"]
ext_label = {".py": "python", ".onnx": "onnx", ".so": "elf", ".gz": "gzip", ".png": "png", ".jpg": "jpeg",
             ".json": "json", ".cc": "cpp", ".cpp": "cpp", ".rst": "rst", ".md": "markdown", ".csv": "csv",
             ".css": "css", ".tif": "tiff", ".npy": "npy", ".yaml": "yaml", ".ini": "ini", ".proto": "proto", ".c": "c"}
members = {}
for w in sorted(glob.glob(os.path.join(cache, "wheels", "*.whl"))):
    z = zipfile.ZipFile(w)
    for m in sorted(z.namelist()):
        ext = os.path.splitext(m)[1].lower()
        if ext in ext_label:
            members.setdefault(ext_label[ext], []).append((w, m))
random.seed(0)
chosen = []
for label in sorted(members):
    items = members[label]
    chosen += [(label, it) for it in (random.sample(items, 40) if len(items) > 40 else items)]
cfg = json.load(open(os.path.join(cache, "assets/magika-1.0.3/magika/models/standard_v3_3/config.min.json")))
beg, end, block, pad = cfg["beg_size"], cfg["end_size"], cfg["block_size"], cfg["padding_token"]
ws = b" \t\n\r\x0b\x0c"
feats, truth = [], []
zips = {}
for label, (w, m) in chosen:
    data = zips.setdefault(w, zipfile.ZipFile(w)).read(m)
    if len(data) < cfg.get("min_file_size_for_dl", 8):
        continue
    head = data[:block].lstrip(ws)[:beg]
    tail = data[-block:].rstrip(ws)[-end:] if end > 0 else b""
    f = list(head) + [pad] * (beg - len(head)) + [pad] * (end - len(tail)) + list(tail)
    feats.append(f)
    truth.append(label)
x = np.array(feats, dtype=np.int32)
np.save(os.path.join(out, "magika_features.npy"), x)
opts = ort.SessionOptions(); opts.intra_op_num_threads = 1
sess = ort.InferenceSession(os.path.join(cache, "assets/magika-1.0.3/magika/models/standard_v3_3/model.onnx"), opts,
                            providers=["CPUExecutionProvider"])
probs = sess.run(None, {sess.get_inputs()[0].name: x})[0]
print(json.dumps({"features": os.path.join(out, "magika_features.npy"), "truth": truth,
                  "ort_top1": [int(i) for i in probs.argmax(axis=1)], "labels": cfg["target_labels_space"]}))
