# TensorFlow's basic text classification, its reviews read from a CSV file: the TextVectorization layer first in the Sequential, fit on the table's columns.
import pandas as pd
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers

df = pd.read_csv("reviews.csv")
vectorize_layer = layers.TextVectorization(max_tokens=10000, output_mode="int", output_sequence_length=250)
vectorize_layer.adapt(df["review"])

model = keras.Sequential([
    vectorize_layer,
    layers.Embedding(10000, 16),
    layers.Dropout(0.2),
    layers.GlobalAveragePooling1D(),
    layers.Dense(1, activation="sigmoid"),
])
model.compile(loss=keras.losses.BinaryCrossentropy(), optimizer="adam", metrics=["accuracy"])
model.fit(df["review"], df["sentiment"], epochs=10)
