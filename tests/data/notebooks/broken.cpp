// %% [markdown]
// # A deliberately broken notebook: cell 3 does not compile; the runner must say so.
// %%
#pragma cling add_include_path("../../../include")
#include <iostream>
// %%
int answer = 42;
std::cout << "answer " << answer << "\n";
// %%
std::cout << undefined_name_in_cell_three << "\n";
// %%
std::cout << "never runs\n";
