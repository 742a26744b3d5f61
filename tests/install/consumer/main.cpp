// A user program: includes the umbrella header and checks one known answer.
#include <genlab/genlab.hpp>

#include <cstdio>

int main() {
  genlab::core::Philox4x32 rng(0);   // Random123 known answer for key (0,0), counter 0
  const unsigned first = rng();
  std::printf("genlab %s consumer: first Philox word %08x\n", GENLAB_VERSION_STRING, first);
  return first == 0x6627e8d5u ? 0 : 1;
}
