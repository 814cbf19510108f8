# Keras's bidirectional LSTM text classifier, its reviews read from a CSV file with pandas: TextVectorization, Embedding(mask_zero=True), compile's optimizer and loss given by position.
import pandas as pd
from tensorflow import keras
from tensorflow.keras import layers

df = pd.read_csv("reviews.csv")
vectorize = layers.TextVectorization(max_tokens=20000, output_sequence_length=200)
vectorize.adapt(df["review"])
x = vectorize(df["review"])
y = df["sentiment"]

inputs = keras.Input(shape=(None,), dtype="int64")
x = layers.Embedding(20000, 128, mask_zero=True)(inputs)
x = layers.Bidirectional(layers.LSTM(64))(x)
x = layers.Dropout(0.5)(x)
outputs = layers.Dense(1, activation="sigmoid")(x)
model = keras.Model(inputs, outputs)
model.compile("adam", "binary_crossentropy", metrics=["accuracy"])
model.fit(x, y, batch_size=32, epochs=2, validation_split=0.2)
