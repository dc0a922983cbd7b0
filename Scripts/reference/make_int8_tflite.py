"""Generates fully-quantized int8 TFLite models with TensorFlow's converter (run with a Python that has
tensorflow-cpu; see Scripts/make-int8-tflite.sh). No int8 TFLite model ships in the pinned wheels
(mediapipe 0.10.21's 14 .tflite files are all fp32/fp16; checked), so these are made from real data:

- digits_cnn: a small CNN trained (Keras, 20 epochs, seed 0) on sklearn's 8x8 digits, rows 0-999
  (CONV_2D, MAX_POOL_2D, DEPTHWISE_CONV_2D, AVERAGE_POOL_2D, RESHAPE, FULLY_CONNECTED, SOFTMAX).
- mobile_block: a MobileNet-style net on 32x32 RGB crops of scikit-image's photographs (PAD, CONV_2D with
  stride 2, DEPTHWISE_CONV_2D, a residual ADD, MUL of two branches, CONCATENATION, MEAN, FULLY_CONNECTED),
  trained 2 epochs to tell the source photographs apart.
Each is converted with full-integer quantization (representative dataset: 100 real samples) in three I/O
variants: int8 in/out, uint8 in/out, float in/out (QUANTIZE/DEQUANTIZE at the edges).

usage: make_int8_tflite.py OUT_DIR ASSETS_DIR   (writes <name>_<io>.tflite and <name>_inputs.npy)
"""
import gzip, os, sys
import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import tensorflow as tf
from PIL import Image

out, assets = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)
tf.keras.utils.set_random_seed(0)


def digits():
    raw = np.loadtxt(gzip.open(os.path.join(assets, "scikit_learn-1.9.1/sklearn/datasets/data/digits.csv.gz")), delimiter=",")
    x = (raw[:, :64] / 16.0).astype(np.float32).reshape(-1, 8, 8, 1)
    return x, raw[:, 64].astype(np.int64)


def crops():
    names = ["astronaut", "chelsea", "coffee", "camera", "motorcycle_left"]
    rng = np.random.default_rng(0)
    xs, ys = [], []
    for label, n in enumerate(names):
        p = os.path.join(assets, f"scikit_image-0.26.0/skimage/data/{n}.png")
        if not os.path.exists(p):
            continue
        img = np.asarray(Image.open(p).convert("RGB"), dtype=np.float32) / 127.5 - 1
        for _ in range(120):
            y0 = rng.integers(0, img.shape[0] - 64); x0 = rng.integers(0, img.shape[1] - 64)
            c = img[y0:y0 + 64:2, x0:x0 + 64:2]
            xs.append(c); ys.append(label)
    return np.stack(xs).astype(np.float32), np.array(ys)


def digits_cnn():
    L = tf.keras.layers
    i = tf.keras.Input((8, 8, 1), batch_size=1)
    h = L.Conv2D(16, 3, padding="same", activation="relu")(i)
    h = L.MaxPooling2D(2)(h)
    h = L.DepthwiseConv2D(3, padding="same", activation="relu6")(h)
    h = L.Conv2D(24, 1, activation="relu")(h)
    h = L.AveragePooling2D(2)(h)
    h = L.Flatten()(h)
    h = L.Dense(32, activation="relu")(h)
    o = L.Softmax()(L.Dense(10)(h))
    return tf.keras.Model(i, o)


def mobile_block(classes):
    L = tf.keras.layers
    i = tf.keras.Input((32, 32, 3), batch_size=1)
    h = L.ZeroPadding2D(((0, 1), (0, 1)))(i)
    h = L.Conv2D(16, 3, strides=2, padding="valid", activation="relu6")(h)
    d = L.DepthwiseConv2D(3, padding="same", activation="relu6")(h)
    d = L.Conv2D(16, 1)(d)
    h = L.Add()([h, d])
    a = L.Conv2D(16, 1, activation="relu")(h)
    b = L.DepthwiseConv2D(3, strides=2, padding="same")(h)
    b = L.MaxPooling2D(2, strides=1, padding="same")(b)
    a = L.AveragePooling2D(2)(a)
    m = L.Multiply()([a, b])
    h = L.Concatenate()([m, a])
    h = L.Conv2D(32, 1, activation="relu")(h)
    h = L.GlobalAveragePooling2D()(h)
    o = L.Dense(classes)(h)
    return tf.keras.Model(i, o)


def convert(model, rep, name):
    def gen():
        for k in range(len(rep)):
            yield [rep[k:k + 1]]
    for io, t in [("int8", tf.int8), ("uint8", tf.uint8), ("float", None)]:
        c = tf.lite.TFLiteConverter.from_keras_model(model)
        c.optimizations = [tf.lite.Optimize.DEFAULT]
        c.representative_dataset = gen
        c.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
        if t is not None:
            c.inference_input_type = t
            c.inference_output_type = t
        open(os.path.join(out, f"{name}_{io}.tflite"), "wb").write(c.convert())


x, y = digits()
m = digits_cnn()
m.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
m.fit(x[:1000], y[:1000], epochs=20, batch_size=32, verbose=0)
acc = float((m.predict(x[1000:], batch_size=1, verbose=0).argmax(1) == y[1000:]).mean())
convert(m, x[:100], "digits_cnn")
np.save(os.path.join(out, "digits_cnn_inputs.npy"), x[1000:1200])

cx, cy = crops()
rng = np.random.default_rng(1)
perm = rng.permutation(len(cx))
cx, cy = cx[perm], cy[perm]
mb = mobile_block(int(cy.max()) + 1)
mb.compile("adam", tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
mb.fit(cx[:400], cy[:400], epochs=2, batch_size=16, verbose=0)
convert(mb, cx[:100], "mobile_block")
np.save(os.path.join(out, "mobile_block_inputs.npy"), cx[400:440])
print(f"digits_cnn keras accuracy on rows 1000-1796: {acc:.3f}")
