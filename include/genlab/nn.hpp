#ifndef GENLAB_NN_HPP
#define GENLAB_NN_HPP
// genlab::nn: a tiny decoder-only transformer written from scratch (forward, hand-written
// backward, AdamW, training loop, checkpoints, KV-cache decoding, probes).
#include "genlab/nn/adamw.hpp"
#include "genlab/nn/batch.hpp"
#include "genlab/nn/checkpoint.hpp"
#include "genlab/nn/config.hpp"
#include "genlab/nn/decode.hpp"
#include "genlab/nn/flops.hpp"
#include "genlab/nn/layers.hpp"
#include "genlab/nn/parameters.hpp"
#include "genlab/nn/probes.hpp"
#include "genlab/nn/rows.hpp"
#include "genlab/nn/trainer.hpp"
#include "genlab/nn/transformer.hpp"
#endif  // GENLAB_NN_HPP
