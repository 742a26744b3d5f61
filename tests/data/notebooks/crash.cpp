// %% [markdown]
// # A deliberately crashing notebook: cell 3 dereferences a null pointer; the runner must name
// the cell and the signal.
// %%
#include <iostream>
// %%
std::cout << "before the crash\n";
// %%
int* volatile null_pointer_in_cell_three = nullptr;
std::cout << *null_pointer_in_cell_three << "\n";
