# Text classification as Keras tutorials write it: TextVectorization adapted to a CSV column of reviews, then an embedding averaged over the words.
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers
import pandas as pd

df = pd.read_csv("reviews.csv")
vectorize = layers.TextVectorization(max_tokens=10000, output_sequence_length=100)
vectorize.adapt(df["review"])
x = vectorize(df["review"])
y = df["sentiment"]

model = keras.Sequential([
    layers.Embedding(10000, 16),
    layers.GlobalAveragePooling1D(),
    layers.Dense(1, activation="sigmoid"),
])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
model.fit(x, y, epochs=10, validation_split=0.2)
