"""The accurate mode: a fine-tuned multilingual-e5-small token classifier run with ONNX Runtime on the CPU."""
